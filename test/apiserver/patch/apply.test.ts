import test from 'ava';
import fc from 'fast-check';
import type { KubeObject, ManagedFieldsEntry } from '../../../api-types/meta.js';
import { ApiError } from '../../../apiserver/errors.js';
import { applyPatch, recordUpdate } from '../../../apiserver/patch/index.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const services = resourceFor('', 'services');
const pods = resourceFor('', 'pods');
const T0 = '2026-03-04T05:06:07Z';
const T1 = '2026-03-04T06:00:00Z';

function apply(current: KubeObject | undefined, config: object, fieldManager: string, extra: { force?: boolean; now?: string; subresource?: 'status' } = {}): KubeObject {
  const frozen = current && deepFreeze(structuredClone(current));
  return applyPatch(services, frozen, 'application/apply-patch+yaml', JSON.stringify(config), { fieldManager, now: extra.now ?? T0, ...extra }).object;
}

// An empty spec is left out: `spec: {}` would be owned as an empty map, as upstream.
const svc = (spec: object, labels?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', ...(labels ? { labels } : {}) }, ...(Object.keys(spec).length > 0 ? { spec } : {}),
});
const entry = (o: KubeObject, manager: string): ManagedFieldsEntry | undefined => o.metadata.managedFields?.find((e) => e.manager === manager);
const K80 = 'k:{"port":80,"protocol":"TCP"}';
const K443 = 'k:{"port":443,"protocol":"TCP"}';

test('serverSideApply › create records an Apply entry in FieldsV1', (t) => {
  const out = apply(undefined, svc({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, { app: 'web' }), 'kubectl');
  t.deepEqual(out.metadata.managedFields, [{
    manager: 'kubectl',
    operation: 'Apply',
    apiVersion: 'v1',
    time: T0,
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:ports': { [K80]: { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} },
    },
  }]);
  t.deepEqual(out.spec, { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
});

test('serverSideApply › YAML bodies are accepted', (t) => {
  const yaml = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n';
  const out = applyPatch(services, undefined, 'application/apply-patch+yaml', yaml, { fieldManager: 'kubectl', now: T0 }).object;
  t.deepEqual(out.spec, { ports: [{ port: 80 }] });
});

test('serverSideApply › re-applying the same configuration changes nothing, not even the time', (t) => {
  const config = svc({ ports: [{ port: 80, targetPort: 8080 }] }, { app: 'web' });
  const first = apply(undefined, config, 'kubectl');
  const second = apply(first, config, 'kubectl', { now: T1 });
  t.deepEqual(second, first);
});

test('serverSideApply › two managers share a list by key and each removes only its own item', (t) => {
  const a = apply(undefined, svc({ ports: [{ port: 80 }] }), 'a');
  const ab = apply(a, svc({ ports: [{ port: 443 }] }), 'b');
  t.deepEqual((ab.spec as { ports: unknown[] }).ports, [{ port: 80 }, { port: 443 }]);
  t.deepEqual(Object.keys((entry(ab, 'a')?.fieldsV1 as { 'f:spec': { 'f:ports': object } })['f:spec']['f:ports']), [K80]);
  t.deepEqual(Object.keys((entry(ab, 'b')?.fieldsV1 as { 'f:spec': { 'f:ports': object } })['f:spec']['f:ports']), [K443]);
  const bGone = apply(ab, svc({ ports: [] }), 'b');
  t.deepEqual((bGone.spec as { ports: unknown[] }).ports, [{ port: 80 }]);
  t.is(entry(bGone, 'b'), undefined, 'a manager that owns nothing has no entry');
});

test('serverSideApply › a different value for another applier\'s field is a 409 with causes', (t) => {
  const a = apply(undefined, svc({ ports: [{ port: 80, targetPort: 8080 }] }), 'kubectl');
  const err = t.throws(() => apply(a, svc({ ports: [{ port: 80, targetPort: 9090 }] }), 'other'), { instanceOf: ApiError });
  t.is(err?.code, 409);
  t.is(err?.reason, 'Conflict');
  t.is(err?.message, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.ports[port=80,protocol="TCP"].targetPort');
  t.deepEqual(err?.status.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.ports[port=80,protocol="TCP"].targetPort' }] });
});

test('serverSideApply › the same value is no conflict: both managers own the field', (t) => {
  const a = apply(undefined, svc({ ports: [{ port: 80, targetPort: 8080 }] }), 'a');
  const ab = apply(a, svc({ ports: [{ port: 80, targetPort: 8080 }] }), 'b');
  t.deepEqual(ab.spec, a.spec);
  t.truthy(entry(ab, 'a'));
  t.truthy(entry(ab, 'b'));
});

test('serverSideApply › conflicts with several managers are grouped by manager', (t) => {
  const a = apply(undefined, svc({ type: 'ClusterIP' }, { app: 'web' }), 'alpha');
  const updated = recordUpdate(a, { ...a, spec: { type: 'ClusterIP', sessionAffinity: 'None' } }, 'kube-controller-manager', 'v1', T1);
  const err = t.throws(() => apply(updated, svc({ type: 'NodePort', sessionAffinity: 'ClientIP' }, { app: 'api' }), 'beta'), { instanceOf: ApiError });
  t.is(err?.message, [
    'Apply failed with 3 conflicts: conflicts with "alpha":',
    '- .metadata.labels.app',
    '- .spec.type',
    `conflicts with "kube-controller-manager" using v1:`,
    '- .spec.sessionAffinity',
  ].join('\n'));
  t.is(err?.status.details?.causes?.length, 3);
});

test('serverSideApply › force takes the field and its ownership', (t) => {
  const a = apply(undefined, svc({ ports: [{ port: 80, targetPort: 8080 }] }), 'kubectl');
  const forced = apply(a, svc({ ports: [{ port: 80, targetPort: 9090 }] }), 'other', { force: true });
  t.deepEqual((forced.spec as { ports: unknown[] }).ports, [{ port: 80, targetPort: 9090 }]);
  t.deepEqual(entry(forced, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:ports': { [K80]: { '.': {}, 'f:port': {} } } } });
  t.deepEqual(entry(forced, 'other')?.fieldsV1, { 'f:spec': { 'f:ports': { [K80]: { '.': {}, 'f:port': {}, 'f:targetPort': {} } } } });
  // kubectl no longer owns targetPort, so its next apply of the old value conflicts with "other".
  const err = t.throws(() => apply(forced, svc({ ports: [{ port: 80, targetPort: 8080 }] }), 'kubectl'), { instanceOf: ApiError });
  t.regex(err?.message ?? '', /conflict with "other"/);
});

test('serverSideApply › a field the applier stops applying is removed', (t) => {
  const a = apply(undefined, svc({ type: 'ClusterIP' }, { app: 'web', tier: 'fe' }), 'a');
  const b = apply(a, svc({ type: 'ClusterIP' }, { app: 'web' }), 'a');
  t.deepEqual(b.metadata.labels, { app: 'web' });
  const c = apply(b, svc({ type: 'ClusterIP' }), 'a');
  t.is(c.metadata.labels, undefined, 'an emptied map disappears');
});

test('serverSideApply › a field another manager also owns is kept when un-applied', (t) => {
  const a = apply(undefined, svc({}, { app: 'web', tier: 'fe' }), 'a');
  const shared = apply(a, svc({}, { tier: 'fe' }), 'b');
  const out = apply(shared, svc({}, { app: 'web' }), 'a');
  t.deepEqual(out.metadata.labels, { app: 'web', tier: 'fe' });
  t.deepEqual(entry(out, 'a')?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } } });
});

test('serverSideApply › an un-applied list item goes, another manager\'s item stays', (t) => {
  const a = apply(undefined, svc({ ports: [{ port: 80 }, { port: 443 }] }), 'a');
  const out = apply(a, svc({ ports: [{ port: 443 }] }), 'a');
  t.deepEqual((out.spec as { ports: unknown[] }).ports, [{ port: 443 }]);
});

test('serverSideApply › an Update takes ownership, and a later apply of another value conflicts with it', (t) => {
  const a = apply(undefined, svc({ ports: [{ port: 80, targetPort: 8080 }] }), 'kubectl');
  const next = structuredClone(a);
  (next.spec as { ports: { targetPort: number }[] }).ports[0].targetPort = 7070;
  const updated = recordUpdate(a, next, 'controller', 'v1', T1);
  t.deepEqual(entry(updated, 'controller'), {
    manager: 'controller', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:ports': { [K80]: { 'f:targetPort': {} } } } },
  });
  t.deepEqual(entry(updated, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:ports': { [K80]: { '.': {}, 'f:port': {} } } } });
  const err = t.throws(() => apply(updated, svc({ ports: [{ port: 80, targetPort: 8080 }] }), 'kubectl'), { instanceOf: ApiError });
  t.is(err?.message, `Apply failed with 1 conflict: conflict with "controller" using v1: .spec.ports[port=80,protocol="TCP"].targetPort`);
  // Applying the value the controller set is fine and shares the field.
  const agreed = apply(updated, svc({ ports: [{ port: 80, targetPort: 7070 }] }), 'kubectl');
  t.is((agreed.spec as { ports: { targetPort: number }[] }).ports[0].targetPort, 7070);
});

test('serverSideApply › an object that has no managedFields gets a before-first-apply owner', (t) => {
  const legacy = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', uid: 'u' }, spec: { type: 'ClusterIP' } };
  const err = t.throws(() => apply(legacy, svc({ type: 'NodePort' }), 'kubectl'), { instanceOf: ApiError });
  t.regex(err?.message ?? '', /conflict with "before-first-apply" using v1: \.spec\.type/);
  const forced = apply(legacy, svc({ type: 'NodePort' }), 'kubectl', { force: true });
  t.deepEqual(forced.spec, { type: 'NodePort' });
  t.is(entry(forced, 'before-first-apply'), undefined);
});

test('serverSideApply › an apply to /status owns status fields only, under subresource status', (t) => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };
  const created = applyPatch(pods, undefined, 'application/apply-patch+yaml', JSON.stringify(pod), { fieldManager: 'user', now: T0 }).object;
  const status = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
  const out = applyPatch(pods, deepFreeze(created), 'application/apply-patch+yaml', JSON.stringify(status), { fieldManager: 'kubelet', now: T1, subresource: 'status' }).object;
  t.deepEqual(entry(out, 'kubelet'), {
    manager: 'kubelet', operation: 'Apply', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } },
    subresource: 'status',
  });
  t.deepEqual(out.spec, pod.spec, 'the status apply does not prune the spec it does not own');
  t.deepEqual(entry(out, 'user')?.fieldsV1, { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:name': {} } } } });
});

test('serverSideApply › an associative item with no key field at all is a 500, as upstream', (t) => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ image: 'x' }] } };
  const err = t.throws(() => applyPatch(pods, undefined, 'application/apply-patch+yaml', JSON.stringify(pod), { fieldManager: 'a', now: T0 }), { instanceOf: ApiError });
  t.is(err?.code, 500);
  t.is(err?.reason, '', 'no reason: no layer makes the error a Status');
  t.is(err?.message, 'failed to create typed patch object (default/p; /v1, Kind=Pod): .spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)');
});

test('serverSideApply › a port without its number still has a key from the protocol default', (t) => {
  const out = apply(undefined, svc({ ports: [{ targetPort: 80 }] }), 'a');
  t.deepEqual(Object.keys((entry(out, 'a')?.fieldsV1 as { 'f:spec': { 'f:ports': object } })['f:spec']['f:ports']), ['k:{"protocol":"TCP"}']);
});

test('serverSideApply › duplicate keys in an applied list are a 500', (t) => {
  const err = t.throws(() => apply(undefined, svc({ ports: [{ port: 80 }, { port: 80, name: 'x' }] }), 'a'), { instanceOf: ApiError });
  t.is(err?.code, 500);
  t.regex(err?.message ?? '', /\.spec\.ports: duplicate entries for key \[port=80,protocol="TCP"\]$/);
});

test('serverSideApply › managedFields in an applied configuration are a 400', (t) => {
  const err = t.throws(() => apply(undefined, { ...svc({}), metadata: { name: 'web', managedFields: [] } }, 'a'), { instanceOf: ApiError });
  t.is(err?.code, 400);
  t.is(err?.message, 'metadata.managedFields must be nil');
});

test('serverSideApply › an empty map in a configuration is owned as itself', (t) => {
  const out = apply(undefined, { ...svc({}), spec: {} }, 'a');
  t.deepEqual(entry(out, 'a')?.fieldsV1, { 'f:spec': {} });
});

test('serverSideApply › the apply never mutates the current object', (t) => {
  const a = deepFreeze(apply(undefined, svc({ ports: [{ port: 80 }] }, { x: 'y' }), 'a'));
  const snapshot = structuredClone(a);
  apply(a, svc({ ports: [{ port: 81 }] }), 'a');
  t.deepEqual(a, snapshot);
});

test('serverSideApply › null removes a field, the applier owns it, and nulling another owner\'s field conflicts', (t) => {
  const a = apply(undefined, svc({ type: 'NodePort', externalName: 'x' }), 'a');
  const err = t.throws(() => apply(a, svc({ externalName: null }), 'b'), { instanceOf: ApiError });
  t.is(err?.message, 'Apply failed with 1 conflict: conflict with "a": .spec.externalName');
  const forced = apply(a, svc({ externalName: null }), 'b', { force: true });
  t.deepEqual(forced.spec, { type: 'NodePort' });
  t.deepEqual(entry(forced, 'b')?.fieldsV1, { 'f:spec': { 'f:externalName': {} } });
  t.deepEqual(entry(forced, 'a')?.fieldsV1, { 'f:spec': { 'f:type': {} } });
});

test('serverSideApply › an apply by kubectl refreshes an existing last-applied annotation', (t) => {
  const LAST = 'kubectl.kubernetes.io/last-applied-configuration';
  const current = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', annotations: { [LAST]: '{"old":true}\n', keep: 'me' } }, spec: { type: 'ClusterIP' } };
  const config = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { a: '<b>' } }, spec: { type: 'ClusterIP' } };
  const out = apply(current, config, 'kubectl', { force: true });
  t.is(out.metadata.annotations?.[LAST], '{"apiVersion":"v1","kind":"Service","metadata":{"labels":{"a":"\\u003cb\\u003e"},"name":"web"},"spec":{"type":"ClusterIP"}}\n');
  t.is(out.metadata.annotations?.keep, 'me');
  const other = apply(current, config, 'someone-else', { force: true });
  t.is(other.metadata.annotations?.[LAST], '{"old":true}\n');
});

test('serverSideApply › kubectl takes over from client-side apply where the last-applied configuration still matches', (t) => {
  const LAST = 'kubectl.kubernetes.io/last-applied-configuration';
  const applied = svc({ type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080 }] });
  const created = recordUpdate(undefined, { ...applied, metadata: { name: 'web', annotations: { [LAST]: JSON.stringify(applied) } } }, 'kubectl-client-side-apply', 'v1', T0);
  const next = svc({ type: 'NodePort', ports: [{ port: 80, targetPort: 9090 }] });
  // Another manager is not let off.
  const err = t.throws(() => apply(created, next, 'someone'), { instanceOf: ApiError });
  t.is(err?.status.details?.causes?.length, 2);
  // kubectl is, since type and targetPort still hold their last-applied values.
  const upgraded = apply(created, next, 'kubectl');
  t.deepEqual(upgraded.spec, { type: 'NodePort', ports: [{ port: 80, targetPort: 9090 }] });
  t.deepEqual(entry(upgraded, 'kubectl-client-side-apply')?.fieldsV1, {
    'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST}`]: {} } },
    'f:spec': { 'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } },
  });
  // A field someone changed since the last client-side apply still conflicts.
  const drifted = recordUpdate(created, { ...created, spec: { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 8080 }] } }, 'controller', 'v1', T1);
  const err2 = t.throws(() => apply(drifted, next, 'kubectl'), { instanceOf: ApiError });
  t.is(err2?.message, `Apply failed with 1 conflict: conflict with "controller" using v1: .spec.type`);
});

test('serverSideApply › a live object with duplicate list keys can still be applied to', (t) => {
  const live = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', uid: 'u' }, spec: { ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] } };
  const out = apply(live, svc({}, { app: 'web' }), 'kubectl');
  t.deepEqual(out.metadata.labels, { app: 'web' });
  t.deepEqual(out.spec, live.spec);
});

const labelsArb = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('1', '2'), { maxKeys: 4 });
const portsArb = fc.uniqueArray(fc.record({ port: fc.integer({ min: 1, max: 6 }), targetPort: fc.integer({ min: 1, max: 3 }) }), { selector: (p) => p.port, maxLength: 4 });

test('serverSideApply › re-applying any configuration is a no-op, and an empty one takes back what a sole owner applied', (t) => {
  fc.assert(
    fc.property(labelsArb, portsArb, (labels, ports) => {
      const config = svc({ ports }, labels);
      const first = apply(undefined, config, 'm');
      t.deepEqual(apply(first, config, 'm', { now: T1 }), first);
      const emptied = apply(first, svc({}), 'm', { now: T1 });
      t.is(emptied.metadata.labels, undefined);
      // An empty associative list sets no field, so nobody owns it and it stays (as upstream).
      t.deepEqual((emptied.spec as { ports?: unknown } | undefined)?.ports, ports.length === 0 ? [] : undefined);
      t.is(emptied.metadata.managedFields, undefined);
    }),
    { numRuns: 1000 },
  );
});

test('serverSideApply › a second manager never changes a field it conflicts on without force', (t) => {
  fc.assert(
    fc.property(labelsArb, labelsArb, (mine, theirs) => {
      const first = apply(undefined, svc({}, mine), 'a');
      const clash = Object.keys(theirs).some((k) => k in mine && mine[k] !== theirs[k]);
      if (clash) {
        const err = t.throws(() => apply(first, svc({}, theirs), 'b'), { instanceOf: ApiError });
        t.is(err?.code, 409);
      } else {
        const out = apply(first, svc({}, theirs), 'b');
        t.deepEqual(out.metadata.labels ?? {}, { ...mine, ...theirs });
      }
    }),
    { numRuns: 1000 },
  );
});

test('serverSideApply › a Deployment\'s pod template is typed: containers are owned by name, and a conflict names only the contested field', (t) => {
  const deployments = resourceFor('apps', 'deployments');
  const dep = (containers: object[]) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } } });
  const run = (current: KubeObject | undefined, config: object, fieldManager: string, force = false) =>
    applyPatch(deployments, current && deepFreeze(structuredClone(current)), 'application/apply-patch+yaml', JSON.stringify(config), { fieldManager, now: T0, force }).object;
  const first = run(undefined, dep([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }]), 'owner');
  const fields = entry(first, 'owner')?.fieldsV1 as Record<string, Record<string, Record<string, unknown>>>;
  // A value struct (template, its metadata and spec) has no "." of its own; the selector is atomic.
  t.deepEqual(Object.keys(fields['f:spec']).sort(), ['f:selector', 'f:template']);
  t.deepEqual(fields['f:spec']['f:selector'], {});
  const containers = (fields['f:spec']['f:template'] as Record<string, Record<string, Record<string, unknown>>>)['f:spec']['f:containers'];
  t.deepEqual(Object.keys(containers), ['k:{"name":"a"}', 'k:{"name":"b"}']);
  // Another manager adding an env to one container shares the list; changing its image conflicts there only.
  const shared = run(first, dep([{ name: 'a', env: [{ name: 'X', value: '1' }] }]), 'other');
  const spec = (shared.spec as { template: { spec: { containers: { name: string; image?: string; env?: unknown[] }[] } } }).template.spec;
  t.deepEqual(spec.containers.map((c) => [c.name, c.image, c.env?.length]), [['a', 'a:1', 1], ['b', 'b:1', undefined]]);
  const err = t.throws(() => run(first, dep([{ name: 'a', image: 'a:2' }]), 'other'), { instanceOf: ApiError });
  t.is(err?.message, 'Apply failed with 1 conflict: conflict with "owner": .spec.template.spec.containers[name="a"].image');
});
