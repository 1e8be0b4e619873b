/**
 * Service updates: keeping allocated values a request omitted, trimming the lists of a Service
 * set to SingleStack, and dropping fields a type change made moot
 * (pkg/registry/core/service/storage/storage.go patchAllocatedValues,
 * pkg/registry/core/service/storage/alloc.go initIPFamilyFields,
 * pkg/registry/core/service/strategy.go NormalizeClusterIPs and dropTypeDependentFields), and the
 * update-only rules of initIPFamilyFields and ValidateServiceUpdate
 * (pkg/apis/core/validation/validation.go).
 */
import type { ServiceSpec } from '../../api-types/core.js';
import { type FieldCause, forbidden, invalid } from './field.js';
import { deepEqual } from '../deep-equal.js';
import { isRecord } from './meta.js';

// Lists as given, or [] when the body holds something else there (validation reports it).
const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
import { type Svc, isExternallyAccessible, isHeadless, needsClusterIP, needsHealthCheck, needsNodePort, portsOf, specOf, specPath } from './service-shape.js';

/**
 * Prepares an update against the stored Service, in place. Call it after defaultService and
 * before validation.
 *
 * 1. A changed clusterIP with unchanged clusterIPs carries the plural along, and a cleared one
 *    clears it (NormalizeClusterIPs).
 * 2. Values the controllers allocated and the request left out are kept (patchAllocatedValues).
 * 3. SingleStack with `clusterIPs` or `ipFamilies` unchanged keeps only their first entry: the
 *    policy alone says "downgrade", and the serviceip controller then releases the secondary IP
 *    (initIPFamilyFields' update-only step; Kubernetes runs it in beginUpdate, before validation).
 * 4. Fields the new type no longer uses are dropped when the request left them unchanged
 *    (dropTypeDependentFields).
 */
export function prepareServiceUpdate(svc: Svc, old: Svc): void {
  if (!isRecord(svc.spec) || !isRecord(old.spec)) return;
  const s = svc.spec;
  const o = specOf(old);
  // 1. Read the singular/plural pair as the user meant it (NormalizeClusterIPs on update).
  const sameIPs = deepEqual(list(s.clusterIPs), list(o.clusterIPs));
  if ((s.clusterIP ?? '') !== (o.clusterIP ?? '') && sameIPs) {
    if (o.clusterIP && !s.clusterIP) delete s.clusterIPs;
    else if (s.clusterIP) s.clusterIPs = [s.clusterIP];
  }
  // 2. Keep allocated values the request omitted (a PUT of the original manifest).
  if (needsClusterIP(o) && needsClusterIP(s)) {
    if (!s.clusterIP && o.clusterIP) s.clusterIP = o.clusterIP;
    if (list(s.clusterIPs).length === 0 && list(o.clusterIPs).length > 0) s.clusterIPs = [...list(o.clusterIPs)];
    if (list(s.ipFamilies).length === 0 && list(o.ipFamilies).length > 0) s.ipFamilies = [...list(o.ipFamilies)];
    if (s.ipFamilyPolicy === undefined && o.ipFamilyPolicy !== undefined) s.ipFamilyPolicy = o.ipFamilyPolicy;
  }
  if (needsNodePort(o) && needsNodePort(s)) {
    const used = new Set(portsOf(o).map((p) => p.nodePort).filter((n) => n && portsOf(s).some((q) => q.nodePort === n)));
    const byName = new Map(portsOf(o).map((p) => [p.name ?? '', p.nodePort]));
    for (const p of portsOf(s)) {
      const prev = byName.get(p.name ?? '');
      if (!p.nodePort && prev && !used.has(prev)) p.nodePort = prev;
    }
  }
  if (needsHealthCheck(o) && needsHealthCheck(s) && !s.healthCheckNodePort && o.healthCheckNodePort) {
    s.healthCheckNodePort = o.healthCheckNodePort;
  }
  // 3. clusterIPs[0] and ipFamilies[0] are immutable, so the first entries are safe to keep.
  if (needsClusterIP(s) && s.ipFamilyPolicy === 'SingleStack') {
    if (list(s.clusterIPs).length > 1 && deepEqual(list(s.clusterIPs), list(o.clusterIPs))) s.clusterIPs = list(s.clusterIPs).slice(0, 1);
    if (list(s.ipFamilies).length > 1 && deepEqual(list(s.ipFamilies), list(o.ipFamilies))) s.ipFamilies = list(s.ipFamilies).slice(0, 1);
  }
  // 4. Drop what the new type no longer needs, unless the request changed it.
  if (needsClusterIP(o) && !needsClusterIP(s)) {
    if ((s.clusterIP ?? '') === (o.clusterIP ?? '') && deepEqual(list(s.clusterIPs), list(o.clusterIPs))) {
      delete s.clusterIP;
      delete s.clusterIPs;
    }
    if (deepEqual(list(s.ipFamilies), list(o.ipFamilies))) delete s.ipFamilies;
    if (s.ipFamilyPolicy === o.ipFamilyPolicy) delete s.ipFamilyPolicy;
  }
  if (needsNodePort(o) && !needsNodePort(s) && deepEqual(portsOf(s).map((p) => p.nodePort ?? 0), portsOf(o).map((p) => p.nodePort ?? 0))) {
    for (const p of portsOf(s)) delete p.nodePort;
  }
  if (needsHealthCheck(o) && !needsHealthCheck(s) && s.healthCheckNodePort === o.healthCheckNodePort) delete s.healthCheckNodePort;
  if (o.allocateLoadBalancerNodePorts !== undefined && s.type !== 'LoadBalancer' && s.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) {
    delete s.allocateLoadBalancerNodePorts;
  }
  if (o.loadBalancerClass !== undefined && s.type !== 'LoadBalancer' && s.loadBalancerClass === o.loadBalancerClass) delete s.loadBalancerClass;
  if (!isExternallyAccessible(s)) delete s.externalTrafficPolicy;
}

/**
 * The update rules: releasing the secondary cluster IP or IP family needs SingleStack; the
 * primary clusterIP and IP family are fixed once set, except via ExternalName.
 */
export function validateServiceUpdate(s: ServiceSpec, o: ServiceSpec): FieldCause[] {
  const errs: FieldCause[] = [];
  if (s.type !== 'ExternalName') errs.push(...validateSecondaryRelease(s, o));
  if (s.type !== 'ExternalName' && o.type !== 'ExternalName') {
    errs.push(...validateListUpgrade(list(s.clusterIPs), list(o.clusterIPs), s, o, 'clusterIPs', 'clusterIP'));
    if (isHeadless(s) === isHeadless(o) && !isHeadless(s)) {
      errs.push(...validateListUpgrade(list(s.ipFamilies), list(o.ipFamilies), s, o, 'ipFamilies', 'ipFamily'));
    }
  }
  if (o.type === 'LoadBalancer' && s.type === 'LoadBalancer' && s.loadBalancerClass !== o.loadBalancerClass) {
    errs.push(invalid(specPath.child('loadBalancerClass'), s.loadBalancerClass, 'may not change once set'));
  }
  // An empty old value is the controller's yet-to-allocate state, not a value to keep.
  if (needsHealthCheck(o) && needsHealthCheck(s) && o.healthCheckNodePort && s.healthCheckNodePort !== o.healthCheckNodePort) {
    errs.push(forbidden(specPath.child('healthCheckNodePort'), 'field is immutable'));
  }
  return errs;
}

// initIPFamilyFields (alloc.go), update-only: a request that shortens clusterIPs or ipFamilies
// without SingleStack is refused (with SingleStack and unchanged lists, prepareServiceUpdate has
// trimmed them already). kube-apiserver runs this in beginUpdate, before ValidateServiceUpdate, so
// its words are the ones users see, not validateUpgradeDowngrade*'s "must be set to 'SingleStack'
// when releasing the secondary clusterIP", which the same request would also meet. It applies to
// headless Services too (their families), which validateUpgradeDowngradeIPFamilies skips.
function validateSecondaryRelease(s: ServiceSpec, o: ServiceSpec): FieldCause[] {
  if (s.ipFamilyPolicy === 'SingleStack') return [];
  const errs: FieldCause[] = [];
  const policy = specPath.child('ipFamilyPolicy');
  const ips = list(s.clusterIPs);
  const families = list(s.ipFamilies);
  if (ips.length > 0 && ips.length < list(o.clusterIPs).length) {
    errs.push(invalid(policy, s.ipFamilyPolicy ?? null, "must be 'SingleStack' to release the secondary cluster IP"));
  }
  if (families.length > 0 && families.length < list(o.ipFamilies).length) {
    errs.push(invalid(policy, s.ipFamilyPolicy ?? null, "must be 'SingleStack' to release the secondary IP family"));
  }
  return errs;
}

// validateUpgradeDowngradeClusterIPs / validateUpgradeDowngradeIPFamilies: growing from empty
// (svcplane's allocation) or adding a secondary is allowed; changing the primary is not. Dropping
// the secondary without SingleStack is validateSecondaryRelease's.
function validateListUpgrade(next: string[], prev: string[], s: ServiceSpec, o: ServiceSpec, fieldName: 'clusterIPs' | 'ipFamilies', what: string): FieldCause[] {
  if (fieldName === 'clusterIPs' && isHeadless(s) && isHeadless(o)) return [];
  const errs: FieldCause[] = [];
  const p = specPath.child(fieldName);
  if (next.length === prev.length) {
    prev.forEach((v, i) => {
      if (v !== next[i]) errs.push(invalid(fieldName === 'clusterIPs' ? p.index(i) : p.index(0), next, 'may not change once set'));
    });
  } else if (prev.length > next.length) {
    if (next.length === 0) errs.push(invalid(p.index(0), next, `primary ${what} can not be unset`));
    else if (next[0] !== prev[0]) errs.push(invalid(p.index(0), next, 'may not change once set'));
  } else if (prev.length > 0 && next[0] !== prev[0]) {
    errs.push(invalid(p.index(0), next, 'may not change once set'));
  }
  return errs;
}
