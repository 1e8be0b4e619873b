/**
 * What the serviceip controller takes as a Service's "old" object for the family rules
 * (families.ts): the IP fields the Service held when this controller last settled it. Pure.
 *
 * Kubernetes decides PreferDualStack against the stored object a write replaces
 * (pkg/registry/core/service/storage/alloc.go `isMatchingPreferDualStackClusterIPFields`): a
 * create, or a change of policy, type, `clusterIPs` or `ipFamilies`, makes a single-stack
 * PreferDualStack Service dual-stack on a dual-stack cluster, while an unchanged one is never
 * upgraded or downgraded because the cluster changed. The controller sees a Service only after
 * the write, when the request's "old" is gone, so it keeps its own, per Service and uid:
 *
 * - after a reconcile that ended with nothing left to do: the fields it wrote or found right
 *   ({@link settledAfter});
 * - on start, for every Service that already holds a complete allocation: the fields as they
 *   stand ({@link settledStateOf}). The cluster's families come from flags, so a cluster turned
 *   dual-stack is a restart, and the Services found then must keep their families.
 *
 * A Service not settled yet (created since, or still waiting for its IPs) has no old state: its
 * next reconcile is a create. Deliberate approximation (decision 004): what a Service held when
 * the controller started (or a new leader took over) counts as settled, so a change made while
 * no controller ran, or one the last leader had not finished, is not seen as a change. A
 * PreferDualStack policy set then is not acted on until policy, type or lists change again.
 */
import type { Service } from '../../api-types/core.js';
import type { PreviousFields } from './families.js';
import type { ServiceIPPlan } from './reconcile.js';

/** A Service's settled IP fields, tied to the object (uid) they were seen on. */
export interface SettledState extends PreviousFields {
  /** The Service's uid: a Service re-created under the same name is a new object, with no old. */
  uid: string | undefined;
}

/**
 * The settled state of a Service as it stands, or undefined when it has none: ExternalName, no
 * policy, no families, or an IP slot still to fill (headless `["None"]` is complete).
 */
export function settledStateOf(svc: Service): SettledState | undefined {
  const spec = svc.spec ?? {};
  const families = spec.ipFamilies ?? [];
  const ips = spec.clusterIPs ?? [];
  if (spec.type === 'ExternalName' || spec.ipFamilyPolicy === undefined || families.length === 0) return undefined;
  const headless = ips.length === 1 && ips[0] === 'None';
  if (!headless && (ips.length !== families.length || ips.some((ip) => ip === ''))) return undefined;
  return { uid: svc.metadata.uid, type: spec.type, ipFamilyPolicy: spec.ipFamilyPolicy, ipFamilies: [...families], clusterIPs: [...ips] };
}

/**
 * The settled state once `plan`, made from `svc`, has been applied in full (the applier fills
 * the automatic IPs into `plan.fields.clusterIPs`). Undefined for a Service that is gone or
 * ExternalName: the caller forgets it.
 */
export function settledAfter(svc: Service | undefined, plan: ServiceIPPlan): SettledState | undefined {
  if (!svc || !plan.fields) return undefined;
  const { clusterIPs, ipFamilies, ipFamilyPolicy } = plan.fields;
  return settledStateOf({ ...svc, spec: { ...svc.spec, clusterIP: clusterIPs[0], clusterIPs, ipFamilies, ipFamilyPolicy } });
}
