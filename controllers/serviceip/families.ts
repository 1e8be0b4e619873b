/**
 * The IP family rules of a Service (kubernetes-behaviour.md §1.7), as the serviceip controller
 * applies them to the Service it finds stored: defaults for `ipFamilyPolicy`, families inferred
 * from the requested `clusterIPs`, the headless-and-selectorless special case, and the checks
 * Kubernetes answers with 422 Invalid. Ported from pkg/registry/core/service/storage/alloc.go
 * (`initIPFamilyFields`, `isMatchingPreferDualStackClusterIPFields`). Pure.
 *
 * Kubernetes runs these rules inside the write, with the stored object as "old". The controller
 * runs after the write, so it is handed the Service's previous settled state instead (settled.ts
 * says what that is: what the Service held when this controller last settled it, or when it
 * started). The update-only steps that rewrite or reject the request itself (trimming the lists
 * on SingleStack, "must be 'SingleStack' to release ...") are the API server's job
 * (apiserver/validation/service-update.ts), as they must happen before the Service is stored.
 */
import type { IPFamily, IPFamilyPolicy, ServiceSpec, ServiceType } from '../../api-types/core.js';
import { familyOf } from '../../allocators/ip.js';
import { formatValue } from '../../apiserver/validation/field.js';

/** The value of `clusterIP` that makes a Service headless. */
export const ClusterIPNone = 'None';

/** One field problem, as apimachinery's `field.Invalid`. */
export interface FieldProblem {
  /** The field path, e.g. `spec.ipFamilyPolicy`. */
  field: string;
  /** The offending value (shown as JSON). */
  value: unknown;
  /** Kubernetes' detail text. */
  message: string;
}

/** The family fields the controller owns besides the IPs. */
export interface FamilyFields {
  ipFamilyPolicy: IPFamilyPolicy;
  ipFamilies: IPFamily[];
}

/** The fields of the "old" Service that the family rules compare against. */
export interface PreviousFields {
  /** The type; absent reads as ClusterIP, the default. */
  type?: ServiceType;
  ipFamilyPolicy?: IPFamilyPolicy;
  ipFamilies: readonly IPFamily[];
  clusterIPs: readonly string[];
}

/** The outcome of {@link initIPFamilyFields}. */
export type FamilyResult = { ok: true; fields: FamilyFields } | { ok: false; problems: FieldProblem[] };

/** True when the Service is headless (`clusterIP: None`, or `clusterIPs[0]` is `None`). */
export function isHeadless(spec: ServiceSpec): boolean {
  return spec.clusterIP === ClusterIPNone || spec.clusterIPs?.[0] === ClusterIPNone;
}

function hasSelector(spec: ServiceSpec): boolean {
  return spec.selector !== undefined && spec.selector !== null && Object.keys(spec.selector).length > 0;
}

function otherFamily(f: IPFamily): IPFamily {
  return f === 'IPv4' ? 'IPv6' : 'IPv4';
}

/**
 * Renders problems as apimachinery 1.33 does (field.Error and its aggregate): `spec.x: Invalid
 * value: <value>: <detail>`, several joined in brackets. Values print as its ErrorBody prints
 * them: strings quoted, string lists in Go syntax (`[]string{"10.0.0.5"}`); later releases print JSON.
 */
export function describeProblems(problems: readonly FieldProblem[]): string {
  const parts = problems.map((p) => `${p.field}: Invalid value: ${formatValue(p.value)}: ${p.message}`);
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}

function clusterIPsOf(spec: Readonly<ServiceSpec>): readonly string[] {
  return spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const ipTypes: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

/**
 * True when a PreferDualStack Service is unchanged from `old` (no old: false), so nothing is
 * defaulted, upgraded or downgraded: a change of the cluster's dual-stackness alone never adds
 * or removes an IP. Port of alloc.go `isMatchingPreferDualStackClusterIPFields`: same type, one
 * that gets IPs; the policy PreferDualStack now and before (an old without policy counts);
 * the same `clusterIPs` and `ipFamilies`.
 */
export function isMatchingPreferDualStackClusterIPFields(spec: Readonly<ServiceSpec>, old: PreviousFields | undefined): boolean {
  if (!old || spec.ipFamilyPolicy === undefined) return false;
  const type = spec.type ?? 'ClusterIP';
  if ((old.type ?? 'ClusterIP') !== type || !ipTypes.includes(type)) return false;
  if (spec.ipFamilyPolicy !== 'PreferDualStack') return false;
  if (old.ipFamilyPolicy !== undefined && old.ipFamilyPolicy !== 'PreferDualStack') return false;
  return sameList(clusterIPsOf(spec), old.clusterIPs) && sameList(spec.ipFamilies ?? [], old.ipFamilies);
}

/**
 * Decides `ipFamilyPolicy` and `ipFamilies` for a Service that is not ExternalName, against the
 * cluster's configured families (default family first) and the Service's previous settled state
 * (`old`; undefined reads as a create). Steps follow `initIPFamilyFields`:
 *
 * 1. A PreferDualStack Service unchanged from `old` is left as it is
 *    ({@link isMatchingPreferDualStackClusterIPFields}). Without an old one (a create), or after
 *    a change of policy, type or lists, it goes through the steps below, so PreferDualStack
 *    becomes dual-stack on a dual-stack cluster (step 7).
 * 2. A missing policy takes the old one; else RequireDualStack for headless selectorless
 *    Services, else SingleStack.
 * 3. SingleStack with two IPs or two families is invalid.
 * 4. Families missing from `ipFamilies` are inferred from `clusterIPs` (stopping at `None`); an
 *    IP whose family is not configured is invalid.
 * 5. Headless selectorless: families default to the cluster default; unless SingleStack the
 *    other family is appended, even on a single-stack cluster. Nothing else is checked.
 * 6. RequireDualStack needs two configured families; every family must be configured.
 * 7. No families: the default family. Not SingleStack on a dual-stack cluster: append the other.
 */
export function initIPFamilyFields(spec: Readonly<ServiceSpec>, clusterFamilies: readonly IPFamily[], old?: PreviousFields): FamilyResult {
  const ips = clusterIPsOf(spec);
  const families = [...(spec.ipFamilies ?? [])];
  // 1.
  if (isMatchingPreferDualStackClusterIPFields(spec, old)) {
    return { ok: true, fields: { ipFamilyPolicy: 'PreferDualStack', ipFamilies: families } };
  }
  // 2.
  const headlessSelectorless = isHeadless(spec) && !hasSelector(spec);
  const policy: IPFamilyPolicy = spec.ipFamilyPolicy ?? old?.ipFamilyPolicy ?? (headlessSelectorless ? 'RequireDualStack' : 'SingleStack');
  const problems: FieldProblem[] = [];
  // 3.
  if (policy === 'SingleStack') {
    if (ips.length === 2) problems.push({ field: 'spec.ipFamilyPolicy', value: policy, message: "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified" });
    if (families.length === 2) problems.push({ field: 'spec.ipFamilyPolicy', value: policy, message: "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified" });
  }
  // 4.
  for (let i = 0; i < ips.length; i++) {
    if (ips[i] === ClusterIPNone) break;
    const fam = familyOf(ips[i]);
    if (fam === undefined) {
      problems.push({ field: `spec.clusterIPs[${i}]`, value: ips[i], message: 'must be a valid IP address' });
      continue;
    }
    if (i >= families.length) {
      if (!clusterFamilies.includes(fam)) problems.push({ field: `spec.clusterIPs[${i}]`, value: ips, message: `${fam} is not configured on this cluster` });
      else families.push(fam);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  // 5.
  if (headlessSelectorless) {
    if (families.length === 0) families.push(clusterFamilies[0]);
    if (families.length < 2 && policy !== 'SingleStack') families.push(otherFamily(families[0]));
    return { ok: true, fields: { ipFamilyPolicy: policy, ipFamilies: families } };
  }
  // 6.
  if (policy === 'RequireDualStack' && clusterFamilies.length < 2) {
    problems.push({ field: 'spec.ipFamilyPolicy', value: policy, message: 'this cluster is not configured for dual-stack services' });
  }
  families.forEach((f, i) => {
    if (!clusterFamilies.includes(f)) problems.push({ field: `spec.ipFamilies[${i}]`, value: f, message: 'not configured on this cluster' });
  });
  if (problems.length > 0) return { ok: false, problems };
  // 7.
  if (families.length === 0) families.push(clusterFamilies[0]);
  if (policy !== 'SingleStack' && families.length === 1 && clusterFamilies.length === 2) families.push(otherFamily(families[0]));
  return { ok: true, fields: { ipFamilyPolicy: policy, ipFamilies: families } };
}
