import test from 'ava';
import { Registry } from 'prom-client';
import { ItemExponentialFailureRateLimiter } from '../../../controllers/runtime/rate-limiter.js';
import { WorkQueue } from '../../../controllers/runtime/work-queue.js';
import { WorkQueueMetricNames, prometheusWorkQueueMetrics } from '../../../controllers/runtime/workqueue-metrics.js';
import { FakeClock } from '../../helpers/fake-clock.js';

/**
 * Reads one series of a metric from the registry: a gauge or counter value, or with `suffix`
 * (`_sum`, `_count`) that part of a histogram.
 */
async function read(registry: Registry, metric: string, queueName: string, suffix?: '_sum' | '_count'): Promise<number | undefined> {
  const m = registry.getSingleMetric(metric);
  if (m === undefined) throw new Error(`${metric} is not registered`);
  const { values } = await m.get();
  const wantName = suffix === undefined ? undefined : metric + suffix;
  return values.find((v) => v.labels.name === queueName && (v as { metricName?: string }).metricName === wantName)?.value;
}

function setup(name = 'endpoint') {
  const clock = new FakeClock(1_000_000);
  const registry = new Registry();
  const q = new WorkQueue<string>({ name, clock, metrics: prometheusWorkQueueMetrics(registry), rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
  return { clock, registry, q };
}

test('workqueue metrics › a scripted sequence yields client-go values for every metric', async (t) => {
  const { clock, registry, q } = setup();
  const depth = () => read(registry, WorkQueueMetricNames.depth, 'endpoint');
  q.add('a');
  q.add('b');
  q.add('a'); // deduplicated: not an add
  t.is(await read(registry, WorkQueueMetricNames.adds, 'endpoint'), 2);
  t.is(await depth(), 2);

  clock.advance(100);
  await q.get(); // a waited 0.1 s
  t.is(await depth(), 1);
  clock.advance(250);
  t.is(await read(registry, WorkQueueMetricNames.unfinishedWork, 'endpoint'), 0.25);
  await q.get(); // b waited 0.35 s
  clock.advance(50);
  t.is(await read(registry, WorkQueueMetricNames.unfinishedWork, 'endpoint'), 0.35);
  t.is(await read(registry, WorkQueueMetricNames.longestRunningProcessor, 'endpoint'), 0.3);
  t.is(await read(registry, WorkQueueMetricNames.queueDuration, 'endpoint', '_count'), 2);
  t.true(Math.abs(await read(registry, WorkQueueMetricNames.queueDuration, 'endpoint', '_sum') as number - 0.45) < 1e-9);

  q.add('a'); // dirty while processing: counts as an add and as depth, like client-go
  t.is(await depth(), 1);
  q.done('a'); // worked 0.3 s; goes back on the queue
  q.done('b'); // worked 0.05 s
  t.is(await read(registry, WorkQueueMetricNames.workDuration, 'endpoint', '_count'), 2);
  t.true(Math.abs(await read(registry, WorkQueueMetricNames.workDuration, 'endpoint', '_sum') as number - 0.35) < 1e-9);
  t.is(await read(registry, WorkQueueMetricNames.unfinishedWork, 'endpoint'), 0);
  t.is(await read(registry, WorkQueueMetricNames.longestRunningProcessor, 'endpoint'), 0);

  q.addAfter('c', 10);
  q.addRateLimited('b');
  q.addAfter('d', 0);
  t.is(await read(registry, WorkQueueMetricNames.retries, 'endpoint'), 3);
  t.is(await read(registry, WorkQueueMetricNames.adds, 'endpoint'), 4); // a, b, a again, d
  clock.advance(10);
  t.is(await read(registry, WorkQueueMetricNames.adds, 'endpoint'), 6); // b (5 ms) and c (10 ms) fired
  t.is(await depth(), 4);
});

test('workqueue metrics › histograms use client-go buckets (1 µs to 1000 s) and the text names the queue', async (t) => {
  const { clock, registry, q } = setup('endpoint_slice');
  q.add('a');
  clock.advance(2);
  await q.get();
  const text = await registry.metrics();
  t.regex(text, /workqueue_queue_duration_seconds_bucket\{le="0\.001",name="endpoint_slice"\} 0/);
  t.regex(text, /workqueue_queue_duration_seconds_bucket\{le="0\.01",name="endpoint_slice"\} 1/);
  t.regex(text, /workqueue_queue_duration_seconds_bucket\{le="1000",name="endpoint_slice"\} 1/);
  t.regex(text, /workqueue_depth\{name="endpoint_slice"\} 0/);
  t.regex(text, /workqueue_retries_total\{name="endpoint_slice"\} 0/);
});

test('workqueue metrics › queues share one registry by name; an unnamed queue records nothing', async (t) => {
  const clock = new FakeClock();
  const registry = new Registry();
  const provider = prometheusWorkQueueMetrics(registry);
  t.is(prometheusWorkQueueMetrics(registry), provider, 'one provider per registry');
  const a = new WorkQueue({ name: 'service', clock, metrics: provider });
  const b = new WorkQueue({ name: 'pod', clock, metrics: provider });
  const anon = new WorkQueue({ clock, metrics: provider });
  a.add('x');
  b.add('x');
  b.add('y');
  anon.add('z');
  t.is(await read(registry, WorkQueueMetricNames.adds, 'service'), 1);
  t.is(await read(registry, WorkQueueMetricNames.adds, 'pod'), 2);
  const { values } = await registry.getSingleMetric(WorkQueueMetricNames.adds)!.get();
  t.deepEqual(values.map((v) => v.labels.name).sort(), ['pod', 'service']);
});
