/**
 * Identity and equality of EndpointSlice endpoints and port lists
 * (../shared/reference/kubernetes-behaviour.md §5.4 "Identity of an endpoint", "Grouping").
 * Ported from `staging/src/k8s.io/endpointslice/util/endpointset.go` (`hashEndpoint`) and
 * `util/controller_utils.go` (`EndpointsEqualBeyondHash`, `NewPortMapKey`). Kubernetes hashes
 * objects with FNV over a spew dump; plain string keys identify the same things for less.
 */
import type { ObjectReference } from '../../api-types/core.js';
import type { SliceEndpoint, SlicePort } from '../../api-types/networking.js';

/**
 * The identity of an endpoint: its sorted addresses, hostname, and targetRef namespace and
 * name. Two endpoints with the same key are the same entry, updated in place.
 */
export function endpointKey(ep: SliceEndpoint): string {
  let key = keyCache.get(ep);
  if (key === undefined) {
    key = computeEndpointKey(ep);
    // Only frozen endpoints (informer-cache objects, never edited) are remembered.
    if (Object.isFrozen(ep)) keyCache.set(ep, key);
  }
  return key;
}

// Existing slices come from the informer cache and are read again on every sync of their
// Service; their endpoints' keys are computed once per object.
const keyCache = new WeakMap<SliceEndpoint, string>();

/** endpointKey without the cache: for an endpoint whose key is wanted once. */
export function computeEndpointKey(ep: SliceEndpoint): string {
  const addrs = ep.addresses.length > 1 ? [...ep.addresses].sort().join(',') : (ep.addresses[0] ?? '');
  const ref = ep.targetRef;
  return `${ref?.namespace ?? ''}/${ref?.name ?? ''}\u0000${ep.hostname ?? ''}\u0000${addrs}`;
}

/**
 * True when two endpoints have the same identity (equal endpointKey). With one address each
 * (the usual case) the parts are compared as they are, without building either key; the
 * parts cannot hold the key's separators (names, namespaces, hostnames and IPs), so this
 * answers as the keys would.
 */
export function sameEndpointKey(a: SliceEndpoint, b: SliceEndpoint): boolean {
  if (a.addresses.length !== 1 || b.addresses.length !== 1) return endpointKey(a) === endpointKey(b);
  return a.addresses[0] === b.addresses[0] && (a.hostname ?? '') === (b.hostname ?? '')
    && (a.targetRef?.name ?? '') === (b.targetRef?.name ?? '') && (a.targetRef?.namespace ?? '') === (b.targetRef?.namespace ?? '');
}

function refEqual(a: ObjectReference | undefined, b: ObjectReference | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  // resourceVersion is ignored (it changes on every pod write).
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name && a.uid === b.uid
    && a.apiVersion === b.apiVersion && a.fieldPath === b.fieldPath;
}

/**
 * True when two endpoints with the same key carry the same nodeName, zone, conditions and
 * targetRef (resourceVersion ignored). Hints are not compared: the hint passes handle them.
 */
export function endpointsEqualBeyondHash(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const ca = a.conditions;
  const cb = b.conditions;
  return a.nodeName === b.nodeName && a.zone === b.zone
    && ca?.ready === cb?.ready && ca?.serving === cb?.serving && ca?.terminating === cb?.terminating
    && refEqual(a.targetRef, b.targetRef);
}

function portKey(p: SlicePort): string {
  return `${p.name ?? ''}\u0000${p.protocol ?? 'TCP'}\u0000${p.port ?? ''}\u0000${p.appProtocol ?? ''}`;
}

/**
 * The key that groups slices by port mapping: independent of order, with null and `[]` equal,
 * an absent name equal to `""` and an absent protocol equal to TCP (the wire defaults).
 */
export function portMapKey(ports: readonly SlicePort[] | null | undefined): string {
  if (!ports || ports.length === 0) return '';
  if (ports.length === 1) return portKey(ports[0]);
  return ports.map(portKey).sort().join('\u0001');
}
