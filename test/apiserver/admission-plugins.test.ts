import test from 'ava';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../apiserver/errors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { deepFreeze } from '../helpers/deep-freeze.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';

const pods = resourceFor('', 'pods');
const nodes = resourceFor('', 'nodes');
const newStore = () => new MemoryStore({ clock: new FakeStoreClock() });
const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
const specOf = (o: KubeObject) => o.spec as { priority?: number; preemptionPolicy?: string; tolerations?: unknown[]; taints?: unknown[] };
const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

test('admission plugins › a new Pod gets priority 0, PreemptLowerPriority and the two 300 s tolerations', (t) => {
  const s = newStore();
  const p = s.create(pods, 'default', deepFreeze(pod('a')));
  t.is(specOf(p).priority, 0);
  t.is(specOf(p).preemptionPolicy, 'PreemptLowerPriority');
  t.deepEqual(specOf(p).tolerations, [notReady, unreachable]);
  // An update that leaves them out keeps them (the plugins put them back); nothing changes.
  const { priority: _p, preemptionPolicy: _pp, tolerations: _t, ...bare } = p.spec as Record<string, unknown>;
  const u = s.update(pods, 'default', 'a', { ...p, spec: bare }).object;
  t.is(u.metadata.resourceVersion, p.metadata.resourceVersion);
});

test('admission plugins › tolerations: one that already tolerates a taint (its key or any key, NoExecute or any effect) is enough', (t) => {
  const s = newStore();
  const own = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
  t.deepEqual(specOf(s.create(pods, 'default', pod('own', { tolerations: [own] }))).tolerations, [own, unreachable]);
  const all = { operator: 'Exists' };
  t.deepEqual(specOf(s.create(pods, 'default', pod('all', { tolerations: [all] }))).tolerations, [all]);
  const noSchedule = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' };
  t.deepEqual(specOf(s.create(pods, 'default', pod('other-effect', { tolerations: [noSchedule] }))).tolerations, [noSchedule, notReady, unreachable]);
});

test('admission plugins › priority classes: the system ones resolve, another is 403, a priority that disagrees is 403', (t) => {
  const s = newStore();
  t.is(specOf(s.create(pods, 'default', pod('crit', { priorityClassName: 'system-cluster-critical' }))).priority, 2000000000);
  t.is(specOf(s.create(pods, 'default', pod('node-crit', { priorityClassName: 'system-node-critical', priority: 2000001000 }))).priority, 2000001000);
  const unknown = t.throws(() => s.create(pods, 'default', pod('x', { priorityClassName: 'gold' })), { instanceOf: ApiError }) as ApiError;
  t.is(unknown.code, 403);
  t.is(unknown.status.message, 'pods "x" is forbidden: no PriorityClass with name gold was found');
  const given = t.throws(() => s.create(pods, 'default', pod('y', { priority: 5 })), { instanceOf: ApiError }) as ApiError;
  t.is(given.status.message, 'pods "y" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name');
  const policy = t.throws(() => s.create(pods, 'default', pod('z', { preemptionPolicy: 'Never' })), { instanceOf: ApiError }) as ApiError;
  t.regex(policy.status.message ?? '', /the string value of PreemptionPolicy \(Never\) must not be provided in pod spec/);
});

test('admission plugins › a new Node gets the not-ready NoSchedule taint once; updates leave taints to the writer', (t) => {
  const s = newStore();
  const n = s.create(nodes, undefined, deepFreeze({ metadata: { name: 'n' } }));
  t.deepEqual(specOf(n).taints, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  const own = s.create(nodes, undefined, { metadata: { name: 'm' }, spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', value: 'x' }] } });
  t.is(specOf(own).taints!.length, 1);
  const cleared = s.update(nodes, undefined, 'n', { ...n, spec: {} }).object;
  t.is(specOf(cleared).taints, undefined, 'the node lifecycle controller’s job, which does not run here');
});

test('pod conversion › serviceAccount and serviceAccountName are one field: either sets both, the name wins', (t) => {
  const s = newStore();
  const sa = (o: KubeObject) => { const { serviceAccount, serviceAccountName } = o.spec as Record<string, unknown>; return [serviceAccount, serviceAccountName]; };
  t.deepEqual(sa(s.create(pods, 'default', deepFreeze(pod('new', { serviceAccountName: 'sa1' })))), ['sa1', 'sa1']);
  t.deepEqual(sa(s.create(pods, 'default', pod('old', { serviceAccount: 'sa2' }))), ['sa2', 'sa2']);
  t.deepEqual(sa(s.create(pods, 'default', pod('both', { serviceAccount: 'x', serviceAccountName: 'y' }))), ['y', 'y']);
  t.deepEqual(sa(s.create(pods, 'default', pod('none'))), [undefined, undefined]);
  t.deepEqual(s.list(pods, { namespace: 'default', fieldSelector: 'spec.serviceAccountName=sa2' }).items.map((p) => p.metadata.name), ['old']);
});

test('admission plugins › run after the field manager: the creator owns what it sent, nobody what the plugins added', (t) => {
  const s = newStore();
  const p = s.create(pods, 'default', pod('mf'), { fieldManager: 'kubectl-run' });
  const fields = JSON.stringify(p.metadata.managedFields?.[0]?.fieldsV1);
  t.regex(fields, /"f:containers"/);
  t.notRegex(fields, /f:tolerations|f:priority|f:preemptionPolicy/);
  t.is(specOf(p).tolerations!.length, 2);
  const n = s.create(nodes, undefined, { metadata: { name: 'mf-node', labels: { a: 'b' } } }, { fieldManager: 'kubectl-create' });
  t.notRegex(JSON.stringify(n.metadata.managedFields), /f:taints/);
  t.is(specOf(n).taints!.length, 1);
});

test('admission plugins › a generated name’s 403 names the generateName, as admission runs before the name is made', (t) => {
  const s = newStore();
  const err = t.throws(() => s.create(pods, 'default', { metadata: { generateName: 'gp-' }, spec: { containers: [{ name: 'c', image: 'x' }], priorityClassName: 'nope' } }), { instanceOf: ApiError }) as ApiError;
  t.is(err.status.message, 'pods "gp-" is forbidden: no PriorityClass with name nope was found');
  t.is(err.status.details?.name, 'gp-');
});

test('admission plugins › null reads as Go’s zero value: a null key and effect tolerate every taint', (t) => {
  const s = newStore();
  const wide = { key: null, operator: 'Exists', effect: null };
  t.deepEqual(specOf(s.create(pods, 'default', pod('nulls', { tolerations: [wide] }))).tolerations, [wide]);
});
