import test from 'ava';
import fc from 'fast-check';
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

// The tracker before it kept times by position: every pod's time looked up by name.
function referenceTracker() {
  let old: { serviceTime: number; times: Map<string, number> } | undefined;
  const parse = (s: string | undefined) => (s ? Date.parse(s) : Number.NEGATIVE_INFINITY);
  return (service: Service, pods: readonly Pod[]): string | undefined => {
    const next = { serviceTime: parse(service.metadata.creationTimestamp), times: new Map<string, number>() };
    let min = Number.POSITIVE_INFINITY;
    let text: string | undefined;
    for (const p of pods) {
      const at = p.status?.conditions?.[0]?.lastTransitionTime;
      next.times.set(p.metadata.name!, parse(at));
      if (parse(at) > (old?.times.get(p.metadata.name!) ?? Number.NEGATIVE_INFINITY) && parse(at) < min) [min, text] = [parse(at), at];
    }
    if (next.serviceTime > (old?.serviceTime ?? Number.NEGATIVE_INFINITY) && next.serviceTime < min) text = service.metadata.creationTimestamp;
    const first = !old;
    old = next;
    return first ? service.metadata.creationTimestamp : text;
  };
}

test('TriggerTimeTracker › property: pods replaced in place, added, removed or reordered give the by-name answers', (t) => {
  const times = [t0, t1, t2, t3];
  const step = fc.record({ replace: fc.array(fc.tuple(fc.nat(), fc.nat(3)), { maxLength: 3 }), add: fc.array(fc.nat(3), { maxLength: 2 }), remove: fc.array(fc.nat(), { maxLength: 2 }), shuffle: fc.boolean(), recreate: fc.boolean() });
  t.notThrows(() => fc.assert(fc.property(fc.array(fc.nat(3), { maxLength: 8 }), fc.array(step, { maxLength: 6 }), (initial, steps) => {
    const tracker = new TriggerTimeTracker();
    const reference = referenceTracker();
    let n = 0;
    let pods = initial.map((k) => pod(`p${n++}`, times[k]));
    let service = svc();
    if (tracker.computeTriggerTime(service, pods) !== reference(service, pods)) return false;
    for (const s of steps) {
      const next = [...pods];
      for (const [at, k] of s.replace) if (next.length) next[at % next.length] = pod(next[at % next.length].metadata.name!, times[k]);
      for (const r of s.remove) if (next.length) next.splice(r % next.length, 1);
      for (const k of s.add) next.push(pod(`p${n++}`, times[k]));
      if (s.shuffle) next.reverse();
      if (s.recreate) service = svc(times[(times.indexOf(service.metadata.creationTimestamp!) + 1) % times.length]);
      pods = next;
      if (tracker.computeTriggerTime(service, pods) !== reference(service, pods)) return false;
    }
    return true;
  }), { numRuns: 500 }));
});
