/**
 * Work queue metrics with client-go's names and meaning (`workqueue_*{name}`), recorded with
 * prom-client on an injected Registry. The hooks follow
 * `staging/src/k8s.io/client-go/util/workqueue/metrics.go` (`defaultQueueMetrics`); names, label
 * and buckets follow `staging/src/k8s.io/component-base/metrics/prometheus/workqueue/metrics.go`.
 * Instead of client-go's 500 ms ticker, the two "unfinished work" gauges are computed when the
 * registry is scraped, so no timer runs and tests read exact values from a fake clock.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from './clock.js';

/**
 * client-go's workqueue metric names. They belong with the other Kubernetes names in
 * api-types/well-known.ts; they live here until that shared file takes them.
 */
export const WorkQueueMetricNames = {
  depth: 'workqueue_depth',
  adds: 'workqueue_adds_total',
  queueDuration: 'workqueue_queue_duration_seconds',
  workDuration: 'workqueue_work_duration_seconds',
  unfinishedWork: 'workqueue_unfinished_work_seconds',
  longestRunningProcessor: 'workqueue_longest_running_processor_seconds',
  retries: 'workqueue_retries_total',
} as const;

/** client-go's buckets for both duration histograms: 1 µs to 1000 s, powers of ten. */
export const workQueueDurationBuckets: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];

/** The hooks one queue calls; the queue calls them in the same places client-go does. */
export interface QueueMetrics<K> {
  /** A key became dirty (a real add, not a deduplicated one). */
  add(key: K): void;
  /** A key was handed to a worker. */
  get(key: K): void;
  /** A worker finished a key. */
  done(key: K): void;
  /** A delayed or rate-limited add was requested. */
  retry(): void;
}

/** Makes the metric hooks for one queue. */
export interface WorkQueueMetricsProvider {
  /** Returns the hooks for the queue called `name`, timing with `clock`. */
  forQueue<K>(name: string, clock: Clock): QueueMetrics<K>;
}

const noopQueueMetrics: QueueMetrics<unknown> = { add() {}, get() {}, done() {}, retry() {} };

/** Records nothing; the default for queues without a provider. */
export const noopWorkQueueMetrics: WorkQueueMetricsProvider = {
  forQueue: <K>() => noopQueueMetrics as QueueMetrics<K>,
};

/** Per-queue bookkeeping: when each key was added and when its processing started. */
class PrometheusQueueMetrics<K> implements QueueMetrics<K> {
  readonly addTimesMs = new Map<K, number>();
  readonly processingStartMs = new Map<K, number>();

  constructor(readonly name: string, readonly clock: Clock, private readonly m: PrometheusWorkQueueMetrics) {}

  add(key: K): void {
    this.m.adds.inc({ name: this.name });
    this.m.depth.inc({ name: this.name });
    if (!this.addTimesMs.has(key)) this.addTimesMs.set(key, this.clock.now());
  }

  get(key: K): void {
    const nowMs = this.clock.now();
    this.m.depth.dec({ name: this.name });
    this.processingStartMs.set(key, nowMs);
    const addedMs = this.addTimesMs.get(key);
    if (addedMs !== undefined) {
      this.m.queueDuration.observe({ name: this.name }, (nowMs - addedMs) / 1000);
      this.addTimesMs.delete(key);
    }
  }

  done(key: K): void {
    const startMs = this.processingStartMs.get(key);
    if (startMs === undefined) return;
    this.m.workDuration.observe({ name: this.name }, (this.clock.now() - startMs) / 1000);
    this.processingStartMs.delete(key);
  }

  retry(): void {
    this.m.retries.inc({ name: this.name });
  }
}

/**
 * The prom-client implementation: one set of `workqueue_*` metrics on a registry, labelled by
 * queue `name`. Build it with `prometheusWorkQueueMetrics(registry)`, which returns the same
 * provider for the same registry (prom-client refuses a second registration of a name).
 */
export class PrometheusWorkQueueMetrics implements WorkQueueMetricsProvider {
  readonly depth: Gauge<'name'>;
  readonly adds: Counter<'name'>;
  readonly queueDuration: Histogram<'name'>;
  readonly workDuration: Histogram<'name'>;
  readonly unfinishedWork: Gauge<'name'>;
  readonly longestRunningProcessor: Gauge<'name'>;
  readonly retries: Counter<'name'>;
  readonly #queues = new Set<PrometheusQueueMetrics<unknown>>();

  /** Registers the seven metrics on `registry`. Prefer `prometheusWorkQueueMetrics`. */
  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['name'] as const;
    this.depth = new Gauge({ name: WorkQueueMetricNames.depth, help: 'Current depth of workqueue', labelNames, registers });
    this.adds = new Counter({ name: WorkQueueMetricNames.adds, help: 'Total number of adds handled by workqueue', labelNames, registers });
    this.queueDuration = new Histogram({
      name: WorkQueueMetricNames.queueDuration, help: 'How long in seconds an item stays in workqueue before being requested.',
      labelNames, registers, buckets: [...workQueueDurationBuckets],
    });
    this.workDuration = new Histogram({
      name: WorkQueueMetricNames.workDuration, help: 'How long in seconds processing an item from workqueue takes.',
      labelNames, registers, buckets: [...workQueueDurationBuckets],
    });
    this.unfinishedWork = new Gauge({
      name: WorkQueueMetricNames.unfinishedWork,
      help: 'Seconds of work in progress that work_duration has not observed yet. Large values indicate stuck workers.',
      labelNames, registers, collect: () => this.#collectUnfinished(),
    });
    this.longestRunningProcessor = new Gauge({
      name: WorkQueueMetricNames.longestRunningProcessor,
      help: 'How many seconds the longest running processor for workqueue has been running.',
      labelNames, registers, collect: () => this.#collectUnfinished(),
    });
    this.retries = new Counter({ name: WorkQueueMetricNames.retries, help: 'Total number of retries handled by workqueue', labelNames, registers });
  }

  /** Returns the hooks for queue `name`; an empty name records nothing, as in client-go. */
  forQueue<K>(name: string, clock: Clock): QueueMetrics<K> {
    if (name === '') return noopWorkQueueMetrics.forQueue<K>(name, clock);
    const q = new PrometheusQueueMetrics<K>(name, clock, this);
    this.#queues.add(q as PrometheusQueueMetrics<unknown>);
    // Zero-valued series from the start, so a dashboard sees the queue before its first add.
    this.depth.inc({ name }, 0);
    this.adds.inc({ name }, 0);
    this.retries.inc({ name }, 0);
    return q;
  }

  /** Sums in-flight ages per queue name and takes the oldest, as `updateUnfinishedWork` does. */
  #collectUnfinished(): void {
    const totals = new Map<string, { totalS: number; oldestS: number }>();
    for (const q of this.#queues) {
      const t = totals.get(q.name) ?? { totalS: 0, oldestS: 0 };
      const nowMs = q.clock.now();
      for (const startMs of q.processingStartMs.values()) {
        const ageS = (nowMs - startMs) / 1000;
        t.totalS += ageS;
        t.oldestS = Math.max(t.oldestS, ageS);
      }
      totals.set(q.name, t);
    }
    for (const [name, t] of totals) {
      this.unfinishedWork.set({ name }, t.totalS);
      this.longestRunningProcessor.set({ name }, t.oldestS);
    }
  }
}

const providers = new WeakMap<Registry, PrometheusWorkQueueMetrics>();

/** Returns the registry's workqueue metrics provider, registering the metrics on first use. */
export function prometheusWorkQueueMetrics(registry: Registry): PrometheusWorkQueueMetrics {
  let p = providers.get(registry);
  if (p === undefined) {
    p = new PrometheusWorkQueueMetrics(registry);
    providers.set(registry, p);
  }
  return p;
}
