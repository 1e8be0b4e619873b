/**
 * Defaulting, canonicalisation and validation of the served types, as kube-apiserver's decoding
 * defaults and registry strategies do it. The store calls, on every create, update and patch:
 * defaultObject → (on update) prepareForUpdate → canonicalizeObject → validateObject, and turns
 * a non-empty cause list into a 422 with apiserver/errors.ts `invalid()`.
 */
import type { ConfigMap, Endpoints, Namespace, Node, Pod, Service } from '../../api-types/core.js';
import type { KubeObject, StatusCause } from '../../api-types/meta.js';
import type { EndpointSlice, IPAddress, Lease, ServiceCIDR } from '../../api-types/networking.js';
import type { ResourceInfo } from '../resources.js';
import { validateConfigMap } from './configmap.js';
import { canonicalizeEndpoints, defaultEndpoints, validateEndpoints } from './endpoints.js';
import { defaultEndpointSlice, validateEndpointSlice } from './endpointslice.js';
import { validateEvent } from './event.js';
import { validateLease } from './lease.js';
import { defaultNamespace, validateNamespace } from './namespace.js';
import { validateIPAddress, validateServiceCIDR } from './networking.js';
import { validateNode } from './node.js';
import { defaultPod, validatePod } from './pod.js';
import { defaultService, validateService } from './service.js';
import { prepareServiceUpdate } from './service-update.js';

export { repackSubsets } from './endpoints.js';
export type { CauseReason, FieldCause } from './field.js';

type Key = `${string}/${string}`;

const keyOf = (r: Pick<ResourceInfo, 'group' | 'resource'>): Key => `${r.group}/${r.resource}`;

/**
 * Brings an object to its stored form in place after defaulting (Endpoints: repacked subsets,
 * as pkg/registry/core/endpoint/strategy.go Canonicalize does).
 */
export function canonicalizeObject(r: ResourceInfo, obj: KubeObject): void {
  if (keyOf(r) === '/endpoints') canonicalizeEndpoints(obj as Endpoints);
}

/** Fills in defaults in place (the store passes its own copy). */
export function defaultObject(r: ResourceInfo, obj: KubeObject): void {
  switch (keyOf(r)) {
    case '/services':
      return defaultService(obj as Service);
    case '/pods':
      return defaultPod(obj as Pod);
    case '/endpoints':
      return defaultEndpoints(obj as Endpoints);
    case 'discovery.k8s.io/endpointslices':
      return defaultEndpointSlice(obj as EndpointSlice);
    case '/namespaces':
      return defaultNamespace(obj as Namespace);
    default:
      return;
  }
}

/**
 * Prepares an update in place against the stored object, after defaulting and before
 * validation. Services keep the clusterIPs, IP families and nodePorts the controllers allocated
 * when the request omits them, and drop the fields a type change made moot (as the Service
 * strategy and REST storage do); other types need nothing.
 */
export function prepareForUpdate(r: ResourceInfo, obj: KubeObject, old: KubeObject): void {
  if (keyOf(r) === '/services') prepareServiceUpdate(obj as Service, old as Service);
}

/**
 * Validates an object about to be stored; `old` is the stored version on update. Returns one
 * cause per invalid field (empty when valid); the store turns them into a 422. Never mutates
 * its arguments.
 */
export function validateObject(
  r: ResourceInfo,
  obj: KubeObject,
  old: KubeObject | undefined,
  subresource?: 'status',
): StatusCause[] {
  switch (keyOf(r)) {
    case '/services':
      return validateService(obj as Service, old as Service | undefined, subresource);
    case '/pods':
      return validatePod(obj as Pod, old as Pod | undefined, subresource);
    case '/endpoints':
      return validateEndpoints(obj as Endpoints, old as Endpoints | undefined);
    case '/namespaces':
      return validateNamespace(obj as Namespace, old as Namespace | undefined, subresource);
    case '/nodes':
      return validateNode(obj as Node, old as Node | undefined);
    case '/configmaps':
      return validateConfigMap(obj as ConfigMap, old as ConfigMap | undefined);
    case '/events':
      return validateEvent(obj, old, false);
    case 'events.k8s.io/events':
      return validateEvent(obj, old, true);
    case 'discovery.k8s.io/endpointslices':
      return validateEndpointSlice(obj as EndpointSlice, old as EndpointSlice | undefined);
    case 'coordination.k8s.io/leases':
      return validateLease(obj as Lease, old as Lease | undefined);
    case 'networking.k8s.io/ipaddresses':
      return validateIPAddress(obj as IPAddress, old as IPAddress | undefined);
    case 'networking.k8s.io/servicecidrs':
      return validateServiceCIDR(obj as ServiceCIDR, old as ServiceCIDR | undefined, subresource);
    default:
      return [];
  }
}
