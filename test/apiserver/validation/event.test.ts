import test from 'ava';
import type { CoreEvent } from '../../../api-types/core.js';
import type { EventsV1Event } from '../../../api-types/networking.js';
import { type Case, runPipeline, tableTest } from './table.js';

const now = '2026-01-02T03:04:05.123456Z';
const core = (extra: Partial<CoreEvent> = {}): CoreEvent => ({
  apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.1873', namespace: 'default' },
  involvedObject: { kind: 'Service', namespace: 'default', name: 'web' }, reason: 'Synced', message: 'ok', type: 'Normal',
  firstTimestamp: '2026-01-02T03:04:05Z', lastTimestamp: '2026-01-02T03:04:05Z', count: 1, source: { component: 'svcplane' }, ...extra,
});
const ev = (extra: Partial<EventsV1Event> = {}): EventsV1Event => ({
  apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web.1873', namespace: 'default' },
  eventTime: now, reportingController: 'svcplane.io/endpoints', reportingInstance: 'svcplane-0', action: 'Sync', reason: 'Synced',
  regarding: { kind: 'Service', namespace: 'default', name: 'web' }, note: 'ok', type: 'Normal', ...extra,
});
const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const req = (field: string) => ({ field, reason: 'FieldValueRequired' });

const coreCases: Case[] = [
  { name: 'accepts an old-style event without eventTime', obj: core(), wantCauses: [] },
  { name: 'rejects an involvedObject in another namespace', obj: core({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' } }), wantCauses: [v('involvedObject.namespace')] },
  { name: 'accepts a cluster-scoped involvedObject in default', obj: core({ involvedObject: { kind: 'Node', name: 'n1' } }), wantCauses: [] },
  { name: 'with eventTime requires the reporting fields', obj: core({ eventTime: now }), wantCauses: [req('reportingComponent'), v('reportingComponent'), v('reportingComponent'), req('reportingInstance'), req('action')] },
  { name: 'with eventTime and reporting fields is valid', obj: core({ eventTime: now, reportingComponent: 'svcplane', reportingInstance: 'svcplane-0', action: 'Sync' }), wantCauses: [] },
];
tableTest('core event validation', '', 'events', coreCases);

const eventsCases: Case[] = [
  { name: 'accepts a complete event', obj: ev(), wantCauses: [] },
  { name: 'requires eventTime, reportingController and reportingInstance', obj: ev({ eventTime: undefined as unknown as string, reportingController: '', reportingInstance: '' }), wantCauses: [req('eventTime')] },
  { name: 'requires reportingController and reportingInstance with eventTime', obj: ev({ reportingController: '', reportingInstance: '' }), wantCauses: [req('reportingController'), v('reportingController'), v('reportingController'), req('reportingInstance')] },
  { name: 'rejects an unknown type and deprecated fields', obj: ev({ type: 'Info' as 'Normal', deprecatedCount: 3, deprecatedSource: { component: 'x' } }), wantCauses: [v('type'), v('deprecatedCount'), v('deprecatedSource')] },
  { name: 'rejects a series with count 1', obj: ev({ series: { count: 1, lastObservedTime: now } }), wantCauses: [v('series.count')] },
  { name: 'rejects a regarding object in another namespace only with a namespace mismatch rule', obj: ev({ regarding: { kind: 'Node', name: 'n1' }, metadata: { name: 'e', namespace: 'team' } }), wantCauses: [v('involvedObject.namespace')] },
  { name: 'rejects a note over 1024 characters', obj: ev({ note: 'x'.repeat(1025) }), wantCauses: [v('message')] },
  { name: 'allows a series update', old: ev({ series: { count: 2, lastObservedTime: now } }), obj: ev({ series: { count: 3, lastObservedTime: '2026-01-02T03:05:05.000000Z' } }), wantCauses: [] },
  { name: 'forbids changing the reason on update', old: ev(), obj: ev({ reason: 'Other' }), wantCauses: [v('reason')] },
];
tableTest('events.k8s.io event validation', 'events.k8s.io', 'events', eventsCases);

test('event validation › exact messages', (t) => {
  const causes = runPipeline('events.k8s.io', 'events', ev({ deprecatedCount: 2 }));
  t.is(causes[0].message, 'Invalid value: "": needs to be unset');
  const ns = runPipeline('', 'events', core({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' } }));
  t.is(ns[0].message, 'Invalid value: "other": does not match event.namespace');
});
