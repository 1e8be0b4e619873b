import test from 'ava';
import { ApiError } from '../../../apiserver/errors.js';
import type { JsonObject } from '../../../apiserver/patch/json-value.js';
import { schemaFor } from '../../../apiserver/patch/merge-keys.js';
import { strategicMerge } from '../../../apiserver/patch/strategic-merge.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

type Row = { name: string; kind: string; original: JsonObject; patch: JsonObject; want: JsonObject };

const pod = (spec: JsonObject, status: JsonObject = {}): JsonObject => ({ kind: 'Pod', metadata: { name: 'p' }, spec, status });

const deployment = (containers: JsonObject[], selector: JsonObject = { matchLabels: { app: 'web' } }): JsonObject =>
  ({ kind: 'Deployment', metadata: { name: 'web' }, spec: { selector, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } } });

const rows: Row[] = [
  {
    // kubectl set env deploy/web Y=2 -c a
    name: 'a Deployment\'s pod template merges as a Pod spec: containers by name, env by name',
    kind: 'Deployment',
    original: deployment([{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }]),
    patch: { spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }] } } } },
    want: deployment([{ name: 'a', image: 'a:1', env: [{ name: 'Y', value: '2' }, { name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }]),
  },
  {
    name: 'a PodDisruptionBudget\'s selector is replaced whole (patchStrategy=replace)',
    kind: 'PodDisruptionBudget',
    original: { kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web', tier: 'x' } } } },
    patch: { spec: { selector: { matchLabels: { app: 'api' } } } },
    want: { kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'api' } } } },
  },
  {
    name: 'a ServiceAccount\'s secrets merge by name',
    kind: 'ServiceAccount',
    original: { kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 'a' }] },
    patch: { secrets: [{ name: 'b' }] },
    want: { kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 'b' }, { name: 'a' }] },
  },
  {
    name: 'containers merge by name',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] }),
    patch: { spec: { containers: [{ name: 'a', image: 'a:2' }] } },
    want: pod({ containers: [{ name: 'a', image: 'a:2' }, { name: 'b', image: 'b:1' }] }),
  },
  {
    name: 'a new container goes before the server-only ones (mergeSortedSlice); initContainers merge by name too',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a' }], initContainers: [{ name: 'i', image: 'x' }] }),
    patch: { spec: { containers: [{ name: 'c' }], initContainers: [{ name: 'i', args: ['y'] }] } },
    want: pod({ containers: [{ name: 'c' }, { name: 'a' }], initContainers: [{ name: 'i', image: 'x', args: ['y'] }] }),
  },
  {
    name: 'env merges by name and volumeMounts by mountPath',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], volumeMounts: [{ mountPath: '/d', name: 'v' }] }] }),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }], volumeMounts: [{ mountPath: '/d', readOnly: true }] }] } },
    want: pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '3' }], volumeMounts: [{ mountPath: '/d', name: 'v', readOnly: true }] }] }),
  },
  {
    name: 'container ports merge by containerPort alone (the TCP/UDP quirk)',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'dns', ports: [{ containerPort: 53, protocol: 'TCP' }] }] }),
    patch: { spec: { containers: [{ name: 'dns', ports: [{ containerPort: 53, protocol: 'UDP' }] }] } },
    want: pod({ containers: [{ name: 'dns', ports: [{ containerPort: 53, protocol: 'UDP' }] }] }),
  },
  {
    name: 'args are atomic: replaced whole',
    kind: 'Pod',
    original: pod({ containers: [{ name: 'a', args: ['x', 'y'] }] }),
    patch: { spec: { containers: [{ name: 'a', args: ['z'] }] } },
    want: pod({ containers: [{ name: 'a', args: ['z'] }] }),
  },
  {
    name: 'tolerations are atomic: replaced whole',
    kind: 'Pod',
    original: pod({ tolerations: [{ key: 'a', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } },
    want: pod({ tolerations: [{ key: 'b', operator: 'Exists' }] }),
  },
  {
    name: 'volumes merge by name and honour $retainKeys',
    kind: 'Pod',
    original: pod({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] } },
    want: pod({ volumes: [{ name: 'v', configMap: { name: 'cm' } }, { name: 'w', emptyDir: {} }] }),
  },
  {
    // kubectl's patch for switching a volume's source: the source it drops is null and unlisted.
    name: '$retainKeys ignores the keys a patch deletes',
    kind: 'Pod',
    original: pod({ volumes: [{ name: 'v', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, emptyDir: null }] } },
    want: pod({ volumes: [{ name: 'v', configMap: { name: 'cm' } }] }),
  },
  {
    name: 'pod status conditions merge by type and podIPs by ip',
    kind: 'Pod',
    original: pod({}, { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }], podIPs: [{ ip: '10.0.0.1' }] }),
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }], podIPs: [{ ip: 'fd00::1' }] } },
    want: pod({}, { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }], podIPs: [{ ip: 'fd00::1' }, { ip: '10.0.0.1' }] }),
  },
  {
    name: 'node status conditions and addresses merge by type',
    kind: 'Node',
    original: { kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n' }] } },
    patch: { status: { conditions: [{ type: 'MemoryPressure', status: 'False' }], addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } },
    want: { kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'n' }] } },
  },
  {
    name: 'Service ports merge by port; clusterIPs and ipFamilies are atomic',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], clusterIPs: ['10.0.0.1', 'fd00::1'], ipFamilies: ['IPv4', 'IPv6'] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }], clusterIPs: ['10.0.0.1'], ipFamilies: ['IPv4'] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 9090, protocol: 'TCP' }, { port: 443 }], clusterIPs: ['10.0.0.1'], ipFamilies: ['IPv4'] } },
  },
  {
    name: '$patch: delete removes a list element by merge key',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443 }] } },
    patch: { spec: { ports: [{ port: 443, $patch: 'delete' }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
  },
  {
    name: '$patch: replace on a list replaces it with the other elements',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443 }] } },
    patch: { spec: { ports: [{ $patch: 'replace' }, { port: 8443 }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 8443 }] } },
  },
  {
    name: '$patch: replace on a map replaces the map',
    kind: 'Service',
    original: { metadata: { name: 's', labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { $patch: 'replace', c: '3' } } },
    want: { metadata: { name: 's', labels: { c: '3' } } },
  },
  {
    name: '$patch: delete on a map empties it',
    kind: 'Service',
    original: { metadata: { name: 's', labels: { a: '1' } } },
    patch: { metadata: { labels: { $patch: 'delete' } } },
    want: { metadata: { name: 's', labels: {} } },
  },
  {
    name: 'null deletes a map key',
    kind: 'Service',
    original: { metadata: { name: 's', labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { a: null } } },
    want: { metadata: { name: 's', labels: { b: '2' } } },
  },
  {
    name: 'ownerReferences merge by uid',
    kind: 'ConfigMap',
    original: { metadata: { name: 'c', ownerReferences: [{ uid: 'u1', name: 'a', kind: 'K', apiVersion: 'v1' }] } },
    patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', name: 'b', kind: 'K', apiVersion: 'v1' }] } },
    want: { metadata: { name: 'c', ownerReferences: [{ uid: 'u1', name: 'a', kind: 'K', apiVersion: 'v1', controller: true }, { uid: 'u2', name: 'b', kind: 'K', apiVersion: 'v1' }] } },
  },
  {
    name: 'finalizers merge as a set',
    kind: 'ConfigMap',
    original: { metadata: { name: 'c', finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: { metadata: { name: 'c', finalizers: ['a', 'b', 'c'] } },
  },
  {
    name: '$deleteFromPrimitiveList/finalizers removes values',
    kind: 'ConfigMap',
    original: { metadata: { name: 'c', finalizers: ['a', 'b'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: { metadata: { name: 'c', finalizers: ['b'] } },
  },
  {
    name: 'EndpointSlice endpoints and ports are atomic',
    kind: 'EndpointSlice',
    original: { metadata: { name: 'e' }, endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }], ports: [{ name: 'http', port: 80 }] },
    patch: { endpoints: [{ addresses: ['10.0.0.3'] }], ports: [{ name: 'https', port: 443 }] },
    want: { metadata: { name: 'e' }, endpoints: [{ addresses: ['10.0.0.3'] }], ports: [{ name: 'https', port: 443 }] },
  },
  {
    name: 'Endpoints subsets are atomic',
    kind: 'Endpoints',
    original: { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
    patch: { subsets: [{ addresses: [{ ip: '10.0.0.2' }] }] },
    want: { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.0.0.2' }] }] },
  },
  {
    name: '$setElementOrder reorders the merged list',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443 }] } },
    patch: { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }, { port: 22 }], ports: [{ port: 22 }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 443 }, { port: 80 }, { port: 22 }] } },
  },
  {
    name: '$setElementOrder interleaves server-only elements by their original order',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 1 }, { port: 2 }, { port: 3 }] } },
    patch: { spec: { '$setElementOrder/ports': [{ port: 3 }, { port: 1 }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 2 }, { port: 3 }, { port: 1 }] } },
  },
  {
    name: 'patch order wins for elements both hold',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443 }] } },
    patch: { spec: { ports: [{ port: 443, name: 'https' }, { port: 80, name: 'http' }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 443, name: 'https' }, { port: 80, name: 'http' }] } },
  },
  {
    name: 'a server-only element before the patched ones stays first',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 22 }, { port: 80 }] } },
    patch: { spec: { ports: [{ port: 80, name: 'http' }, { port: 443 }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 22 }, { port: 80, name: 'http' }, { port: 443 }] } },
  },
  {
    name: 'directives inside a new field are processed, not stored',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: {} },
    patch: { spec: { ports: [{ port: 80 }, { port: 81, $patch: 'delete' }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
  },
  {
    name: 'an unknown list is replaced',
    kind: 'ConfigMap',
    original: { metadata: { name: 'c' }, data: { a: '1' }, extra: [1, 2] },
    patch: { extra: [3] },
    want: { metadata: { name: 'c' }, data: { a: '1' }, extra: [3] },
  },
];

for (const row of rows) {
  test(`strategicMerge › ${row.name}`, (t) => {
    const original = deepFreeze(structuredClone(row.original));
    t.deepEqual(strategicMerge(original, deepFreeze(structuredClone(row.patch)), schemaFor(row.kind)), row.want);
  });
}

// Upstream (strategicpatch patch.go) merges only where the original holds a map or list; content
// new to the object is taken through removeDirectives, without the merge-time checks.
const newContent: Row[] = [
  {
    name: 'a new merge-keyed list drops its directive elements, $patch: merge included (removeDirectives)',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: {} },
    patch: { spec: { ports: [{ port: 80 }, { port: 81, $patch: 'merge' }, { port: 82, $patch: 'frob' }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
  },
  {
    name: 'a new merge-keyed list is not checked for merge keys',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: {} },
    patch: { spec: { ports: [{ targetPort: 80 }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ targetPort: 80 }] } },
  },
  {
    name: 'a $setElementOrder in a new map is not checked against its list',
    kind: 'Service',
    original: { metadata: { name: 's' } },
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 443 }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 443 }] } },
  },
  {
    name: 'a new map carrying $patch, whatever its value, is dropped with its member (removeDirectives)',
    kind: 'Pod',
    original: { metadata: { name: 'p' }, spec: {} },
    patch: { metadata: { labels: { $patch: 'replace', a: 'b' }, annotations: { $patch: 'bogus', c: 'd' } }, spec: { nodeSelector: { $patch: 'delete' }, securityContext: { runAsUser: 1, seLinuxOptions: { $patch: 'replace', user: 'u' } } } },
    want: { metadata: { name: 'p' }, spec: { securityContext: { runAsUser: 1 } } },
  },
  {
    name: 'a new list of a replace strategy drops its elements carrying $patch',
    kind: 'Pod',
    original: { metadata: { name: 'p' }, spec: {} },
    patch: { spec: { tolerations: [{ key: 'a' }, { key: 'b', $patch: 'delete' }] } },
    want: { metadata: { name: 'p' }, spec: { tolerations: [{ key: 'a' }] } },
  },
  {
    name: '$setElementOrder leaves the patch list\'s deletions out',
    kind: 'Service',
    original: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443 }, { port: 22 }] } },
    patch: { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }], ports: [{ port: 22, $patch: 'delete' }, { port: 443, name: 'b' }, { port: 80, name: 'a' }] } },
    want: { metadata: { name: 's' }, spec: { ports: [{ port: 443, name: 'b' }, { port: 80, name: 'a' }] } },
  },
];

for (const row of newContent) {
  test(`strategicMerge › ${row.name}`, (t) => {
    t.deepEqual(strategicMerge(deepFreeze(structuredClone(row.original)), deepFreeze(structuredClone(row.patch)), schemaFor(row.kind)), row.want);
  });
}

/** Failures; a 500 has no reason (an error interpretStrategicMergePatchError passes through). */
const failing: { name: string; patch: JsonObject; code: number; message?: string }[] = [
  // strategicpatch mergeSliceWithSpecialElements.
  { name: 'a list element with $patch: merge is a 500', patch: { spec: { ports: [{ port: 80, $patch: 'merge' }] } }, code: 500, message: 'merging lists cannot yet be specified in the patch' },
  { name: 'a list element with $patch: merge is a 500 beside $patch: replace too', patch: { spec: { ports: [{ $patch: 'replace' }, { port: 81, $patch: 'merge' }] } }, code: 500, message: 'merging lists cannot yet be specified in the patch' },
  { name: 'a list element with an unknown $patch is a 500 (ErrBadPatchType)', patch: { spec: { ports: [{ port: 80, $patch: 'frob' }] } }, code: 500, message: 'unknown patch type: frob in map: map[$patch:frob port:80]' },
  { name: 'a list deletion without the merge key is a 500 (ErrNoMergeKey)', patch: { spec: { ports: [{ targetPort: 80, $patch: 'delete' }] } }, code: 500, message: 'map: map[$patch:delete targetPort:80] does not contain declared merge key: port' },
  { name: 'a merge-keyed element without its key is a 500 (ErrNoMergeKey)', patch: { spec: { ports: [{ targetPort: 80 }] } }, code: 500, message: 'map: map[targetPort:80] does not contain declared merge key: port' },
  // strategicpatch handleDirectiveInMergeMap: only replace and delete are directives of a map.
  { name: '$patch: merge on a map is a 500 (ErrBadPatchType)', patch: { spec: { $patch: 'merge', type: 'ClusterIP' } }, code: 500, message: 'unknown patch type: merge in map: map[$patch:merge type:ClusterIP]' },
  { name: 'an unknown $patch on a map is a 500 (ErrBadPatchType)', patch: { spec: { $patch: 'frob' } }, code: 500, message: 'unknown patch type: frob in map: map[$patch:frob]' },
  { name: 'a $patch that is no string prints as Go\'s %s does', patch: { spec: { $patch: 1 } }, code: 500, message: 'unknown patch type: %!s(int64=1) in map: map[$patch:1]' },
  { name: '$retainKeys that is not a list is a 400', patch: { spec: { $retainKeys: 'x' } }, code: 400 },
  { name: 'content outside $retainKeys is a 400 (ErrBadPatchFormatForRetainKeys)', patch: { spec: { $retainKeys: ['a'], b: 1 } }, code: 400 },
  { name: '$deleteFromPrimitiveList that is not a list is a 400', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, code: 400 },
  // strategicpatch mergePatchIntoOriginal and validatePatchWithSetOrderList.
  { name: '$setElementOrder that is not a list is a 500 (ErrBadArgType)', patch: { spec: { '$setElementOrder/ports': 1 } }, code: 500, message: 'expected a []interface {}, but received a int64' },
  { name: 'a $setElementOrder beside a list that is no list is a 500', patch: { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: { port: 80 } } }, code: 500, message: 'expected a []interface {}, but received a map[string]interface {}' },
  {
    name: 'a $setElementOrder missing an element of the patch list is a 500',
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 443, targetPort: 8443 }] } },
    code: 500,
    message: 'The order in patch list:\n[map[port:443 targetPort:8443]]\n doesn\'t match $setElementOrder list:\n[map[port:80]]\n',
  },
  {
    name: 'a $setElementOrder ordering the patch list otherwise is a 500',
    patch: { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }], ports: [{ port: 80, name: 'a' }, { port: 443, name: 'b' }] } },
    code: 500,
    message: 'The order in patch list:\n[map[name:a port:80] map[name:b port:443]]\n doesn\'t match $setElementOrder list:\n[map[port:443] map[port:80]]\n',
  },
  { name: 'a $setElementOrder element without the merge key is a 500 (ErrNoMergeKey)', patch: { spec: { '$setElementOrder/ports': [{ name: 'x' }], ports: [{ port: 80 }] } }, code: 500, message: 'map: map[name:x] does not contain declared merge key: port' },
  {
    name: 'a $setElementOrder of a list of scalars is checked by value',
    patch: { metadata: { '$setElementOrder/finalizers': ['a', 'b'], finalizers: ['b', 'a'] } },
    code: 500,
    message: 'The order in patch list:\n[b a]\n doesn\'t match $setElementOrder list:\n[a b]\n',
  },
];

for (const row of failing) {
  test(`strategicMerge › ${row.name}`, (t) => {
    const original = deepFreeze({ metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
    const err = t.throws(() => strategicMerge(original, row.patch, schemaFor('Service')), { instanceOf: ApiError });
    t.is(err?.code, row.code);
    if (row.code === 500) t.is(err?.reason, '', 'no reason: ErrorToAPIStatus of a plain error');
    if (row.message !== undefined) t.is(err?.message, row.message);
  });
}
