import test from 'ava';
import type { CoreEvent } from '../../api-types/core.js';
import type { EventsV1Event } from '../../api-types/networking.js';
import { selectSuiteWarnings } from '../../status/suite-events.js';
import { deepFreeze } from '../helpers/deep-freeze.js';

const v1 = (name: string, at: string, o: Partial<EventsV1Event> = {}): EventsV1Event => ({
  metadata: { name, namespace: 'default' },
  eventTime: at,
  type: 'Warning',
  reason: 'ClusterIPOutOfRange',
  reportingController: 'ipallocator-repair-controller',
  regarding: { kind: 'Service', namespace: 'default', name },
  note: `note ${name}`,
  ...o,
});

test('selectSuiteWarnings › only Warnings of the suite, newest first (series time wins), bounded', (t) => {
  const events = deepFreeze([
    v1('old', '2026-11-21T10:00:00.000000Z'),
    v1('normal', '2026-11-21T13:00:00.000000Z', { type: 'Normal' }),
    v1('foreign', '2026-11-21T13:00:00.000000Z', { reportingController: 'kubelet' }),
    v1('series', '2026-11-21T09:00:00.000000Z', { series: { count: 7, lastObservedTime: '2026-11-21T12:00:00.000000Z' } }),
    v1('new', '2026-11-21T11:00:00.000000Z', { reportingController: 'endpoint-slice-controller', reason: 'FailedToUpdateEndpointSlices' }),
  ]);
  const rows = selectSuiteWarnings('events.k8s.io/v1', events, 10);
  t.deepEqual(rows.map((r) => r.regarding), ['Service/series', 'Service/new', 'Service/old']);
  t.like(rows[0], { count: 7, at: '2026-11-21T12:00:00.000000Z', controller: 'ipallocator-repair-controller', note: 'note series' });
  t.deepEqual(selectSuiteWarnings('events.k8s.io/v1', events, 2).map((r) => r.regarding), ['Service/series', 'Service/new']);
  t.deepEqual(selectSuiteWarnings('events.k8s.io/v1', events, 0), []);
});

test('selectSuiteWarnings › core/v1 events are matched by source component or reportingComponent', (t) => {
  const core = (name: string, o: Partial<CoreEvent>): CoreEvent => ({
    metadata: { name, namespace: 'ns' },
    involvedObject: { kind: 'Endpoints', name },
    type: 'Warning',
    reason: 'FailedToUpdateEndpoint',
    message: `m ${name}`,
    lastTimestamp: '2026-11-21T10:00:00Z',
    ...o,
  });
  const rows = selectSuiteWarnings('v1', [
    core('by-source', { source: { component: 'endpoint-controller' }, count: 4 }),
    core('by-reporting', { reportingComponent: 'nodeport-controller', lastTimestamp: '2026-11-21T11:00:00Z' }),
    core('foreign', { source: { component: 'kubelet' } }),
  ]);
  t.deepEqual(rows.map((r) => [r.regarding, r.controller, r.count]), [['Endpoints/by-reporting', 'nodeport-controller', 1], ['Endpoints/by-source', 'endpoint-controller', 4]]);
  t.is(rows[1].note, 'm by-source');
});
