/**
 * The words of a ClusterIP request the serviceip controller cannot meet, as kube-apiserver 1.33
 * answers the same request (the notes of the controller's Warning Events):
 *
 * - a requested IP that is taken or in no ready range: 422 Invalid on `spec.clusterIPs` (the field
 *   without an index, the whole list as the value, "" in the slots still to fill), e.g.
 *   `Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to
 *   allocate IP 10.0.0.5: provided IP is already allocated`
 *   (pkg/registry/core/service/storage/alloc.go `allocIPs`; the allocator errors of
 *   ipallocator/interfaces.go; the ServiceCIDR allocator's ErrMismatchedNetwork for an IP no
 *   range holds, ipallocator/cidrallocator.go `getAllocator`);
 * - an automatic IP from a full range: 500 InternalError,
 *   `Internal error occurred: failed to allocate a serviceIP: range is full` (`allocIPs`);
 * - the family and policy checks of `initIPFamilyFields` (families.ts): 422 Invalid with their
 *   own fields.
 *
 * Values print as apimachinery 1.33 prints them (families.ts `describeProblems`), and the 500 is
 * the bundled API server's own (apiserver/errors.ts), so the notes read exactly as its answers.
 */
import type { Service } from '../../api-types/core.js';
import { internalError } from '../../apiserver/errors.js';
import { describeProblems, type FieldProblem } from './families.js';

/** The allocator's errors (ipallocator/interfaces.go), as alloc.go appends them. */
export const AllocatorErrors = {
  allocated: 'provided IP is already allocated',
  /** The ServiceCIDR allocator's answer for an IP that no configured range holds. */
  mismatchedNetwork: 'the provided network does not match the current range',
  full: 'range is full',
} as const;

/**
 * The 422 of a Service whose fields fail: `Service "<name>" is invalid: <field>: Invalid value:
 * <value>: <detail>`, several problems joined in brackets as apimachinery's aggregate prints them.
 */
export function invalidServiceNote(name: string, problems: readonly FieldProblem[]): string {
  return `Service "${name}" is invalid: ${describeProblems(problems)}`;
}

/**
 * The 422 of a requested ClusterIP the allocator refused: on `spec.clusterIPs`, with the list as
 * Kubernetes holds it while allocating (`requested`: the Service's clusterIPs, "" in each slot
 * still to fill) and the IP as the Service spells it (`given`).
 */
export function requestedIPNote(name: string, requested: readonly string[], given: string, allocatorError: string): string {
  return invalidServiceNote(name, [{ field: 'spec.clusterIPs', value: [...requested], message: `failed to allocate IP ${given}: ${allocatorError}` }]);
}

/** The 500 of an automatic ClusterIP from a full range. */
export const rangeFullNote = internalError(`failed to allocate a serviceIP: ${AllocatorErrors.full}`).message;

/**
 * What makes one failed allocation attempt of a Service distinct from another, for
 * `allocation_errors_total` (decision 004): the object (uid), what it asks of the allocator
 * (type, clusterIP(s), families, policy, whether it has a selector) and how it failed. The
 * controller meets a failing Service again on every resync, repair pass or unrelated event;
 * those re-checks carry the same signature and are not counted again, while a changed request
 * that fails again, or a new failure of the same request, is.
 */
export function failureSignature(service: Readonly<Service> | undefined, reason: string, note: string): string {
  const spec = service?.spec ?? {};
  const hasSelector = spec.selector !== undefined && spec.selector !== null && Object.keys(spec.selector).length > 0;
  return JSON.stringify([service?.metadata.uid ?? '', spec.type ?? '', spec.clusterIP ?? '', spec.clusterIPs ?? [], spec.ipFamilies ?? [], spec.ipFamilyPolicy ?? '', hasSelector, reason, note]);
}
