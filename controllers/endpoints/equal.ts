/**
 * Semantic equality of Endpoints subsets, ignoring `targetRef.resourceVersion`
 * (`pkg/controller/endpoint/endpoints_controller.go` `endpointSubsetsEqualIgnoreResourceVersion`):
 * a pod update that changes nothing the Endpoints shows must not cause a write. Like apimachinery's
 * semantic equality, an absent list equals an empty one and an absent string field equals "".
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, ObjectReference } from '../../api-types/core.js';
import type { StringMap } from '../../api-types/meta.js';

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined, same: (x: T, y: T) => boolean): boolean {
  const la = a?.length ?? 0;
  if (la !== (b?.length ?? 0)) return false;
  for (let i = 0; i < la; i++) if (!same(a![i], b![i])) return false;
  return true;
}

function sameRef(a: ObjectReference | undefined, b: ObjectReference | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    (a.kind ?? '') === (b.kind ?? '') &&
    (a.namespace ?? '') === (b.namespace ?? '') &&
    (a.name ?? '') === (b.name ?? '') &&
    (a.uid ?? '') === (b.uid ?? '') &&
    (a.apiVersion ?? '') === (b.apiVersion ?? '') &&
    (a.fieldPath ?? '') === (b.fieldPath ?? '')
  );
}

/** True when two addresses are equal apart from targetRef.resourceVersion. */
export function sameAddress(a: EndpointAddress, b: EndpointAddress): boolean {
  // nodeName is a pointer upstream: absent and "" differ.
  return a.ip === b.ip && (a.hostname ?? '') === (b.hostname ?? '') && a.nodeName === b.nodeName && sameRef(a.targetRef, b.targetRef);
}

/** True when two ports are equal (appProtocol is a pointer upstream: absent and "" differ). */
export function samePort(a: EndpointPort, b: EndpointPort): boolean {
  return (a.name ?? '') === (b.name ?? '') && a.port === b.port && (a.protocol ?? '') === (b.protocol ?? '') && a.appProtocol === b.appProtocol;
}

function sameSubset(a: EndpointSubset, b: EndpointSubset): boolean {
  return sameList(a.addresses, b.addresses, sameAddress) && sameList(a.notReadyAddresses, b.notReadyAddresses, sameAddress) && sameList(a.ports, b.ports, samePort);
}

/** True when two subset lists are equal in order and content, ignoring targetRef.resourceVersion. */
export function subsetsEqualIgnoringResourceVersion(a: readonly EndpointSubset[] | undefined, b: readonly EndpointSubset[] | undefined): boolean {
  return sameList(a, b, sameSubset);
}

/** True when two string maps hold the same entries (an absent map equals an empty one). */
export function sameStringMap(a: StringMap | undefined, b: StringMap | undefined): boolean {
  const ka = a ? Object.keys(a) : [];
  if (ka.length !== (b ? Object.keys(b).length : 0)) return false;
  for (const k of ka) if (!b || !Object.hasOwn(b, k) || b[k] !== a![k]) return false;
  return true;
}
