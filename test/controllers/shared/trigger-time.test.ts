import test from 'ava';
import type { Pod, Service } from '../../../api-types/core.js';
import { TriggerTimeTracker } from '../../../controllers/shared/trigger-time.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const t0 = '2026-01-01T00:00:00Z';
const t1 = '2026-01-01T00:00:01Z';
const t2 = '2026-01-01T00:00:02Z';
const t3 = '2026-01-01T00:00:03Z';

const svc = (created = t0): Service => deepFreeze({ metadata: { name: 'web', namespace: 'd', creationTimestamp: created } });
const pod = (name: string, readyAt: string): Pod => deepFreeze({ metadata: { name, namespace: 'd' }, status: { conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: readyAt }] } });

test('TriggerTimeTracker › a new Service without pods: its creationTimestamp', (t) => {
  t.is(new TriggerTimeTracker().computeTriggerTime(svc(), []), t0);
});

test('TriggerTimeTracker › a new Service with pods: still its creationTimestamp', (t) => {
  t.is(new TriggerTimeTracker().computeTriggerTime(svc(), [pod('a', t2)]), t0);
});

test('TriggerTimeTracker › pods added: the earliest new Ready time', (t) => {
  const tr = new TriggerTimeTracker();
  tr.computeTriggerTime(svc(), [pod('a', t1)]);
  t.is(tr.computeTriggerTime(svc(), [pod('a', t1), pod('b', t3), pod('c', t2)]), t2);
});

test('TriggerTimeTracker › pods updated: the earliest moved time; nothing moved: undefined', (t) => {
  const tr = new TriggerTimeTracker();
  tr.computeTriggerTime(svc(), [pod('a', t0), pod('b', t0)]);
  t.is(tr.computeTriggerTime(svc(), [pod('a', t3), pod('b', t2)]), t2);
  t.is(tr.computeTriggerTime(svc(), [pod('a', t3), pod('b', t2)]), undefined);
});

test('TriggerTimeTracker › a pod deleted then added again triggers with its time', (t) => {
  const tr = new TriggerTimeTracker();
  tr.computeTriggerTime(svc(), [pod('a', t1)]);
  t.is(tr.computeTriggerTime(svc(), []), undefined);
  t.is(tr.computeTriggerTime(svc(), [pod('a', t1)]), t1);
});

test('TriggerTimeTracker › a Service deleted then added: its new creationTimestamp', (t) => {
  const tr = new TriggerTimeTracker();
  tr.computeTriggerTime(svc(), [pod('a', t1)]);
  tr.deleteService('d', 'web');
  t.is(tr.computeTriggerTime(svc(t3), [pod('a', t1)]), t3);
});

test('TriggerTimeTracker › a Service update without pod changes: undefined', (t) => {
  const tr = new TriggerTimeTracker();
  tr.computeTriggerTime(svc(), [pod('a', t1)]);
  t.is(tr.computeTriggerTime(svc(), [pod('a', t1)]), undefined);
});
