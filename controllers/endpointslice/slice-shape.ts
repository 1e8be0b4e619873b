/**
 * The shape of the EndpointSlices this controller writes: address types, labels, owner
 * reference, new and placeholder slices (../shared/reference/kubernetes-behaviour.md §5.4,
 * §5.5 step 6). Ported from `staging/src/k8s.io/endpointslice/utils.go`
 * (`getAddressTypesForService`, `setEndpointSliceLabels`, `newEndpointSlice`, `ownedBy`,
 * `getEndpointSlicePrefix`) and `reconciler.go` (`placeholderSliceCompare`).
 */
import type { IPFamily, Service } from '../../api-types/core.js';
import type { OwnerReference, StringMap } from '../../api-types/meta.js';
import type { EndpointSlice, SlicePort } from '../../api-types/networking.js';
import { Labels, ManagedBy } from '../../api-types/well-known.js';

/** True when the Service has a cluster IP (neither `""` nor `None`). */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/**
 * The address types the Service's slices carry: one per entry of `spec.ipFamilies`; without
 * families, the family of a set ClusterIP, or both for a headless Service.
 */
export function addressTypesForService(service: Service): IPFamily[] {
  const families = service.spec?.ipFamilies ?? [];
  const out: IPFamily[] = [];
  for (const f of families) if ((f === 'IPv4' || f === 'IPv6') && !out.includes(f)) out.push(f);
  if (out.length > 0) return out;
  if (isServiceIPSet(service)) return [service.spec!.clusterIP!.includes(':') ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

function isReservedLabel(key: string): boolean {
  return key === Labels.serviceName || key === Labels.endpointSliceManagedBy || key === Labels.headless;
}

/**
 * The labels a slice of this Service must carry, and whether the slice's current labels
 * differ from the Service's in any non-reserved key (which alone causes an update). Reserved
 * keys on the Service are ignored; the headless, service-name and managed-by labels are set
 * by the controller.
 */
export function sliceLabels(current: StringMap | undefined, service: Service, controllerName: string): { labels: StringMap; changed: boolean } {
  const labels: StringMap = {};
  let wanted = 0;
  let changed = false;
  const svcLabels = service.metadata.labels;
  if (svcLabels) {
    for (const key in svcLabels) {
      if (isReservedLabel(key)) continue;
      labels[key] = svcLabels[key];
      wanted++;
      if (current?.[key] !== svcLabels[key]) changed = true;
    }
  }
  if (!changed && current) {
    let have = 0;
    for (const key in current) if (!isReservedLabel(key)) have++;
    changed = have !== wanted;
  }
  if (!isServiceIPSet(service)) labels[Labels.headless] = '';
  labels[Labels.serviceName] = service.metadata.name ?? '';
  labels[Labels.endpointSliceManagedBy] = controllerName;
  return { labels, changed };
}

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The generateName of new slices: `<service>-`, or `<service>` if that is no valid prefix. */
export function sliceNamePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  // A generateName prefix is validated with its trailing dash masked.
  const masked = `${serviceName}a`;
  return masked.length <= 253 && dnsSubdomain.test(masked) ? prefix : serviceName;
}

/** The one controller reference a slice holds to its Service. */
export function serviceOwnerReference(service: Service): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: service.metadata.name ?? '', uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** True when the slice has an owner reference to this Service's UID (kind Service, apiVersion v1). */
export function isOwnedBy(slice: EndpointSlice, service: Service): boolean {
  const refs = slice.metadata.ownerReferences;
  if (!refs) return false;
  for (const o of refs) if (o.uid === service.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1') return true;
  return false;
}

/**
 * The slices the garbage collector would delete now that the informer has no Service `name`:
 * those whose owner references all point to a v1 Service of that name that no longer exists,
 * that is, whose UID is not the one the API server holds (`live`, read just before; undefined
 * when it answered 404). Kubernetes leaves these slices to the garbage collector
 * (`pkg/controller/garbagecollector`, `attemptToDeleteItem`: an owner is dangling when a live
 * read of it fails or finds another UID); svcplane deletes them itself (decision 010). A slice
 * that also names another owner, or names none, is left alone: that owner may still exist.
 */
export function slicesOfDeletedService(slices: readonly EndpointSlice[], name: string, live: Service | undefined): EndpointSlice[] {
  const liveUID = live?.metadata.uid;
  return slices.filter((slice) => {
    const refs = slice.metadata.ownerReferences ?? [];
    return refs.length > 0 && refs.every((o) => o.apiVersion === 'v1' && o.kind === 'Service' && o.name === name && o.uid !== liveUID);
  });
}

/**
 * A new, unnamed slice for the Service with the given ports and address type, and no
 * endpoints. The API server names it from `generateName`.
 * @param controllerName the managed-by value; @default ManagedBy.endpointSliceController
 */
export function newEndpointSlice(service: Service, ports: SlicePort[], addressType: IPFamily, controllerName: string = ManagedBy.endpointSliceController): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: sliceNamePrefix(service.metadata.name ?? ''),
      namespace: service.metadata.namespace,
      labels: sliceLabels(undefined, service, controllerName).labels,
      ownerReferences: [serviceOwnerReference(service)],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

function sameLabels(a: StringMap | undefined, b: StringMap | undefined): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (b![k] !== a![k]) return false;
  return true;
}

function sameOwners(a: OwnerReference[] | undefined, b: OwnerReference[] | undefined): boolean {
  const ra = a ?? [];
  const rb = b ?? [];
  if (ra.length !== rb.length) return false;
  return ra.every((x, i) => {
    const y = rb[i];
    return x.apiVersion === y.apiVersion && x.kind === y.kind && x.name === y.name && x.uid === y.uid
      && (x.controller ?? false) === (y.controller ?? false) && (x.blockOwnerDeletion ?? false) === (y.blockOwnerDeletion ?? false);
  });
}

/**
 * True when an existing slice is equivalent to the placeholder: same namespace, labels,
 * owner references and address type, no ports and no endpoints (null and `[]` equal). Name,
 * annotations and the rest of the metadata are ignored, so a placeholder is never
 * deleted only to be re-created.
 */
export function isEquivalentPlaceholder(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return slice.metadata.namespace === placeholder.metadata.namespace
    && sameLabels(slice.metadata.labels, placeholder.metadata.labels)
    && sameOwners(slice.metadata.ownerReferences, placeholder.metadata.ownerReferences)
    && slice.addressType === placeholder.addressType
    && !slice.endpoints?.length && !slice.ports?.length;
}
