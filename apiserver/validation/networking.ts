/**
 * networking.k8s.io/v1 IPAddress and ServiceCIDR validation
 * (pkg/apis/networking/validation/validation.go ValidateIPAddress{,Update}, ValidateServiceCIDR{,Update}).
 */
import type { IPAddress, ServiceCIDR } from '../../api-types/networking.js';
import { ipProblem, parseCIDR, parseIP } from '../../allocators/ip.js';
import { type FieldCause, FieldPath, immutable, invalid, required } from './field.js';
import { str, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isCanonicalIPv4, pushCIDRCauses } from './ip-rules.js';
import { type NameValidator, isDNS1123Subdomain, isValidPathSegmentName, nameIsDNSSubdomain } from './names.js';

/** An IPAddress is named after its IP, in canonical form (ValidateIPAddressName). */
export const ipAddressName: NameValidator = (name) => {
  if (isCanonicalIPv4(name)) return [];
  const why = ipProblem(name);
  if (why) return [why];
  return parseIP(name).text === name ? [] : ['must be a canonical format IP address'];
};

/** Validates an IPAddress on create or update; spec.parentRef is immutable. */
export function validateIPAddress(obj: IPAddress, old: IPAddress | undefined): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    errs.push(...immutable(FieldPath.root('spec', 'parentRef'), obj.spec?.parentRef ?? null, old.spec?.parentRef ?? null));
    return errs;
  }
  errs.push(...validateObjectMeta(obj.metadata, { namespaced: false, validateName: ipAddressName }));
  const spec = FieldPath.root('spec');
  const ref = obj.spec?.parentRef;
  if (!ref) return [...errs, required(spec.child('parentRef'))];
  const p = spec.child('parentRef');
  // The core group of Services is '', so group cannot be required.
  if (ref.group) for (const m of isDNS1123Subdomain(ref.group)) errs.push(invalid(p.child('group'), ref.group, m));
  for (const key of ['resource', 'name'] as const) {
    const v = str(ref[key]);
    if (v === '') errs.push(required(p.child(key)));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(p.child(key), v, m));
  }
  if (ref.namespace) for (const m of isValidPathSegmentName(ref.namespace)) errs.push(invalid(p.child('namespace'), ref.namespace, m));
  return errs;
}

/**
 * Validates a ServiceCIDR on create or update, or its status: 1–2 strict CIDRs, one per family.
 * On update (ValidateServiceCIDRUpdate) the CIDRs are fixed, but for one change: a single CIDR
 * may gain a second of the other family (single- to dual-stack, kubernetes issue 131261).
 */
export function validateServiceCIDR(obj: ServiceCIDR, old: ServiceCIDR | undefined, subresource?: 'status'): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  if (subresource === 'status') return errs;
  errs.push(...validateObjectMeta(obj.metadata, { namespaced: false, validateName: nameIsDNSSubdomain }));
  const path = FieldPath.root('spec', 'cidrs');
  const cidrs = Array.isArray(obj.spec?.cidrs) ? obj.spec.cidrs : [];
  if (old) errs.push(...cidrsUpdateCauses(path, cidrs, old.spec?.cidrs ?? []));
  if (cidrs.length === 0) return [...errs, required(path, 'at least one CIDR required')];
  if (cidrs.length > 2) return [...errs, invalid(path, obj.spec, 'may only hold up to 2 values')];
  if (pushCIDRCauses(errs, path, cidrs) && cidrs.length === 2 && parseCIDR(cidrs[0]).family === parseCIDR(cidrs[1]).family) {
    errs.push(invalid(path, obj.spec, 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  }
  return errs;
}

// ValidateServiceCIDRUpdate's rule for spec.cidrs: the same number, each unchanged; or one that
// gains a second, the first unchanged; nothing else.
function cidrsUpdateCauses(path: FieldPath, cidrs: readonly string[], prev: readonly string[]): FieldCause[] {
  if (cidrs.length === prev.length) {
    return prev.flatMap((ip, i) => (ip === cidrs[i] ? [] : [invalid(path.index(i), cidrs[i], 'field is immutable')]));
  }
  if (prev.length === 1 && cidrs.length === 2) return cidrs[0] === prev[0] ? [] : [invalid(path.index(0), cidrs[0], 'field is immutable')];
  return [invalid(path, cidrs, 'field is immutable')];
}
