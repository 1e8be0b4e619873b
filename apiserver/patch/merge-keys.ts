/**
 * The schema table: how each list and map field of the served types merges, for strategic merge
 * patch (the `patchStrategy`/`patchMergeKey` struct tags) and for server-side apply (the
 * `+listType`/`+listMapKey`/`+mapType` markers). Read from staging/src/k8s.io/api/core/v1/types.go,
 * apps/v1, policy/v1, discovery/v1 and apimachinery/pkg/apis/meta/v1/types.go. Fields not listed are
 * "deduced", as structured-merge-diff treats unknown fields: maps merge key by key, lists are atomic.
 */

/** How a list merges. */
export interface ListSchema {
  kind: 'list';
  /** SMP: `replace` (no tag), `merge-primitive` (a set of scalars), or merge by `mergeKey`. */
  smp: 'replace' | 'merge-primitive' | { mergeKey: string };
  /** SSA: atomic, a set of scalars, or a map keyed by `keys` (with defaults for absent keys). */
  ssa: 'atomic' | 'set' | { keys: string[]; defaults?: Record<string, unknown> };
  /** The schema of one element (maps only). */
  elem?: FieldSchema;
}

/** How a map (a struct or a map[string]…) merges. */
export interface MapSchema {
  kind: 'map';
  /** Known fields; others use `elem`, or are deduced when it is unset. */
  fields?: Record<string, FieldSchema>;
  elem?: FieldSchema;
  /** `+mapType=atomic`/`+structType=atomic`: replaced whole by an apply, owned as one field. */
  atomic?: boolean;
  /** SMP `patchStrategy=replace`: a strategic patch replaces it whole instead of merging into it. */
  smpReplace?: boolean;
  /**
   * A non-pointer struct: Go's zero object already holds it as `{}`, so Compare never sees it
   * added or removed as a whole and Update entries carry no `".": {}` for it.
   */
  zeroPresent?: boolean;
}

/** A field's schema; undefined means deduced. */
export type FieldSchema = ListSchema | MapSchema;

const mapList = (key: string, elem?: FieldSchema): ListSchema => ({ kind: 'list', smp: { mergeKey: key }, ssa: { keys: [key] }, elem });
const struct = (fields: Record<string, FieldSchema>): MapSchema => ({ kind: 'map', fields });
const valueStruct = (fields: Record<string, FieldSchema> = {}): MapSchema => ({ kind: 'map', fields, zeroPresent: true });
const atomicList: ListSchema = { kind: 'list', smp: 'replace', ssa: 'atomic' };

const conditions = mapList('type');
/** `+structType=atomic` / `+mapType=atomic`: replaced whole by an apply (SMP still merges it). */
const atomicMap: MapSchema = { kind: 'map', atomic: true };
/** metav1.LabelSelector is `+structType=atomic`. */
const labelSelector = atomicMap;
/** The same struct held by value (not a pointer): Go's zero object already holds it. */
const byValue = (m: MapSchema): MapSchema => ({ ...m, zeroPresent: true });

const objectMeta = struct({
  // SMP merges owner references by uid; SSA keys them by uid too.
  ownerReferences: mapList('uid'),
  finalizers: { kind: 'list', smp: 'merge-primitive', ssa: 'set' },
  managedFields: atomicList,
});

const container = struct({
  // The quirk (kubernetes/kubernetes#39188): SMP merges container ports by containerPort alone,
  // so a TCP and a UDP port with the same number collapse into one; SSA keys them by
  // containerPort and protocol (protocol defaults to TCP).
  ports: {
    kind: 'list',
    smp: { mergeKey: 'containerPort' },
    ssa: { keys: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } },
  },
  env: mapList('name'),
  volumeMounts: mapList('mountPath'),
  volumeDevices: mapList('devicePath'),
  resizePolicy: atomicList,
  resources: valueStruct(),
});

const podSpec = struct({
  containers: mapList('name', container),
  initContainers: mapList('name', container),
  ephemeralContainers: mapList('name', container),
  // patchStrategy "merge,retainKeys": kubectl sends $retainKeys inside each volume.
  volumes: mapList('name'),
  tolerations: atomicList,
  imagePullSecrets: mapList('name'),
  nodeSelector: atomicMap,
  schedulingGates: mapList('name'),
  // patchStrategy "merge,retainKeys", as volumes.
  resourceClaims: mapList('name'),
  hostAliases: { kind: 'list', smp: { mergeKey: 'ip' }, ssa: { keys: ['ip'] } },
  topologySpreadConstraints: {
    kind: 'list',
    smp: { mergeKey: 'topologyKey' },
    ssa: { keys: ['topologyKey', 'whenUnsatisfiable'] },
  },
});

const podStatus = struct({
  conditions,
  podIPs: mapList('ip'),
  // SMP merges hostIPs by ip, SSA treats them as atomic.
  hostIPs: { kind: 'list', smp: { mergeKey: 'ip' }, ssa: 'atomic' },
});

const serviceSpec = struct({
  // SMP merges by port alone; SSA keys by port and protocol (protocol defaults to TCP).
  ports: { kind: 'list', smp: { mergeKey: 'port' }, ssa: { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } } },
  selector: { kind: 'map', atomic: true },
});

const serviceStatus = struct({ conditions, loadBalancer: valueStruct() });

const nodeSpec = struct({
  podCIDRs: { kind: 'list', smp: 'merge-primitive', ssa: 'set' },
});

const nodeStatus = struct({
  conditions,
  addresses: mapList('type'),
  daemonEndpoints: valueStruct(),
  nodeInfo: valueStruct(),
});

const namespaceStatus = struct({ conditions });
const serviceCIDRStatus = struct({ conditions });

// apps/v1 Deployment (apps/v1/types.go): its pod template merges as a Pod's spec does.
const podTemplateSpec = byValue(struct({ metadata: byValue(objectMeta), spec: byValue(podSpec) }));
const deploymentSpec = struct({ selector: labelSelector, template: podTemplateSpec, strategy: valueStruct() });
const deploymentStatus = struct({ conditions });

// policy/v1 PodDisruptionBudget: the selector is `patchStrategy=replace` as well as atomic.
const pdbSpec = struct({ selector: { ...labelSelector, smpReplace: true } });
const pdbStatus = struct({ conditions });

const kinds: Record<string, MapSchema> = {
  Pod: struct({ metadata: objectMeta, spec: podSpec, status: podStatus }),
  Deployment: struct({ metadata: objectMeta, spec: deploymentSpec, status: deploymentStatus }),
  PodDisruptionBudget: struct({ metadata: objectMeta, spec: pdbSpec, status: pdbStatus }),
  // secrets merge by name; imagePullSecrets is atomic here, unlike a Pod's.
  ServiceAccount: struct({ metadata: objectMeta, secrets: mapList('name'), imagePullSecrets: atomicList }),
  Service: struct({ metadata: objectMeta, spec: serviceSpec, status: serviceStatus }),
  Node: struct({ metadata: objectMeta, spec: nodeSpec, status: nodeStatus }),
  Namespace: struct({ metadata: objectMeta, status: namespaceStatus }),
  ServiceCIDR: struct({ metadata: objectMeta, status: serviceCIDRStatus }),
};

/** The schema of the rest of the served kinds: metadata is typed, everything else deduced. */
const metadataOnly = struct({ metadata: objectMeta });

/**
 * Returns the root schema of `kind`. Endpoints `subsets`, EndpointSlice `endpoints`/`ports`,
 * Service `clusterIPs`/`ipFamilies` and every other unlisted list are atomic (deduced).
 */
export function schemaFor(kind: string | undefined): MapSchema {
  return (kind && kinds[kind]) || metadataOnly;
}

/** The schema of field `name` inside a map schema (undefined: deduced). */
export function fieldSchema(parent: FieldSchema | undefined, name: string): FieldSchema | undefined {
  if (!parent || parent.kind !== 'map') return undefined;
  const fields = parent.fields;
  return (fields && Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined) ?? parent.elem;
}
