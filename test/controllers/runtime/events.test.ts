import test from 'ava';
import { MemoryStore } from '../../../apiserver/store.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { notFound } from '../../../apiserver/errors.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import { EventRecorder, type EventInput } from '../../../controllers/runtime/events.js';
import type { CoreEvent } from '../../../api-types/core.js';
import type { EventsV1Event } from '../../../api-types/networking.js';
import { delegatingClient } from '../../helpers/delegating-client.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';

const eventsV1 = resourceFor('events.k8s.io', 'events');
const coreEvents = resourceFor('', 'events');
const svc = { kind: 'Service', apiVersion: 'v1', namespace: 'default', name: 'web', uid: 'u1' };

function setup() {
  const store = new MemoryStore();
  const faults = new FaultClient(new InProcessClient(store));
  const clock = new FakeClock(Date.UTC(2026, 10, 21, 12));
  const recorder = new EventRecorder({ client: faults, controller: 'endpoint-slice-controller', instance: 'endpoint-slice-controller-host', clock });
  const warn = (reason: string, note = 'n'): EventInput => ({ regarding: svc, type: 'Warning', reason, action: 'Sync', note });
  return { store, faults, clock, recorder, warn };
}

test('events › an Event is written to events.k8s.io/v1 with the reporting fields and a MicroTime', async (t) => {
  const { store, recorder, warn } = setup();
  recorder.record(warn('FailedToUpdateEndpointSlices', 'Error updating Endpoint Slices for Service default/web'));
  await recorder.flush();
  const [ev] = store.list(eventsV1, { namespace: 'default' }).items as EventsV1Event[];
  t.regex(ev.metadata.name ?? '', /^web\.[0-9a-f]+$/);
  t.is(ev.reason, 'FailedToUpdateEndpointSlices');
  t.is(ev.type, 'Warning');
  t.is(ev.reportingController, 'endpoint-slice-controller');
  t.is(ev.reportingInstance, 'endpoint-slice-controller-host');
  t.deepEqual(ev.regarding, svc);
  t.regex(ev.eventTime, /^2026-11-21T12:00:00\.000000Z$/);
  store.close();
});

test('events › repeats become a series: count 2 at once, later counts on the flush, one Event object', async (t) => {
  const { store, clock, recorder, warn } = setup();
  recorder.record(warn('R'));
  await recorder.flush();
  clock.advance(1000);
  recorder.record(warn('R', 'a different note joins the same series'));
  await recorder.flush();
  let [ev] = store.list(eventsV1, { namespace: 'default' }).items as EventsV1Event[];
  t.is(ev.series?.count, 2);
  for (let i = 0; i < 5; i++) recorder.record(warn('R'));
  await recorder.flush();
  [ev] = store.list(eventsV1, { namespace: 'default' }).items as EventsV1Event[];
  t.is(ev.series?.count, 2, 'later repeats wait for the flush');
  clock.advance(30_000);
  await settle(3);
  await recorder.flush();
  const items = store.list(eventsV1, { namespace: 'default' }).items as EventsV1Event[];
  t.is(items.length, 1);
  t.is(items[0].series?.count, 7);
  // Six quiet minutes finish the series: the next occurrence is a new Event.
  clock.advance(6 * 60_000);
  recorder.record(warn('R'));
  await recorder.flush();
  t.is(store.list(eventsV1, { namespace: 'default' }).items.length, 2);
  await recorder.close();
  store.close();
});

test('events › new Events per object are limited to a burst of 25, then one per 5 minutes', async (t) => {
  const { store, clock, recorder, warn } = setup();
  for (let i = 0; i < 30; i++) recorder.record(warn(`Reason${i}`));
  await recorder.flush();
  t.is(store.list(eventsV1, { namespace: 'default' }).items.length, 25);
  t.is(recorder.dropped, 5);
  clock.advance(300_000);
  recorder.record(warn('Later'));
  recorder.record(warn('TooSoon'));
  await recorder.flush();
  t.is(store.list(eventsV1, { namespace: 'default' }).items.length, 26);
  await recorder.close();
  store.close();
});

test('events › falls back to core/v1 when events.k8s.io is not served', async (t) => {
  const { store, faults, recorder, warn } = setup();
  faults.failNext({ verb: 'create', resource: 'events', error: () => notFound({ group: 'events.k8s.io', resource: 'events' }, '') });
  recorder.record(warn('ClusterIPOutOfRange', 'Cluster IP [IPv4]:10.0.0.5 is not within the service CIDR 10.96.0.0/12; please recreate service'));
  await recorder.flush();
  const [ev, ...more] = store.list(coreEvents, { namespace: 'default' }).items as CoreEvent[];
  t.deepEqual(more, []);
  t.is(ev.reason, 'ClusterIPOutOfRange');
  t.is(ev.involvedObject.name, 'web');
  t.is(ev.source?.component, 'endpoint-slice-controller');
  t.is(ev.count, 1);
  t.regex(ev.message ?? '', /not within the service CIDR/);
  // The one Event, written as core/v1 (only that shape has a source), seen through events.k8s.io too.
  const [seen, ...others] = store.list(eventsV1, { namespace: 'default' }).items;
  t.deepEqual(others, []);
  t.is(seen.metadata.uid, ev.metadata.uid);
  t.deepEqual(seen.deprecatedSource, ev.source);
  store.close();
});

test('events › record returns at once even while the API hangs; writes queue behind it', async (t) => {
  const clock = new FakeClock();
  let creates = 0;
  const hanging = { resource: () => ({ create: () => { creates++; return new Promise(() => {}); } }) } as unknown as InProcessClient;
  const recorder = new EventRecorder({ client: hanging, controller: 'c', instance: 'i', clock });
  for (let i = 0; i < 100; i++) {
    const returned: unknown = recorder.record({ regarding: { ...svc, name: `s${i}` }, type: 'Normal', reason: 'R', action: 'A', note: 'n' });
    t.is(returned, undefined, 'nothing to await');
  }
  await settle(5);
  t.is(creates, 1, 'one write in flight, the rest queued behind it');
});

test('events › close with a timeout stops waiting on writes that hang and drops the ones not started', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.UTC(2026, 10, 21, 12));
  let creates = 0;
  // Every write waits in a saturated rate limit, for ever as far as this test goes.
  const client = delegatingClient(new InProcessClient(store), () => ({ create: () => (creates++, new Promise<never>(() => {})) }));
  const recorder = new EventRecorder({ client, controller: 'c', instance: 'c-host', clock });
  for (let i = 0; i < 5; i++) recorder.record({ regarding: { ...svc, name: `web-${i}` }, type: 'Normal', reason: 'R', action: 'A', note: 'n' });
  let closed = false;
  void recorder.close(2_000).then(() => (closed = true));
  await settle(5);
  clock.advance(1_999);
  await settle(5);
  t.false(closed);
  clock.advance(1);
  await settle(5);
  t.true(closed, 'closed at the timeout');
  t.is(creates, 1, 'one write was in flight');
  t.is(recorder.dropped, 4, 'the others were dropped');
  await t.throwsAsync(() => recorder.close(-1), { instanceOf: RangeError });
  store.close();
});
