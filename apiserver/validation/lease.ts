/**
 * coordination.k8s.io/v1 Lease validation (pkg/apis/coordination/validation ValidateLease{,Update}).
 * The MicroTime format of acquireTime and renewTime is the decoder's (go-time.ts), as upstream.
 */
import type { Lease } from '../../api-types/networking.js';
import { type FieldCause, FieldPath, invalid } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';

/** Validates a Lease on create or update. */
export function validateLease(lease: Lease, old: Lease | undefined): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(lease.metadata, old.metadata));
  errs.push(...validateObjectMeta(lease.metadata, { namespaced: true, validateName: nameIsDNSSubdomain }));
  const spec = lease.spec ?? {};
  const path = FieldPath.root('spec');
  const duration = spec.leaseDurationSeconds;
  if (duration !== undefined && duration !== null && !(typeof duration === 'number' && duration > 0)) {
    errs.push(invalid(path.child('leaseDurationSeconds'), duration, 'must be greater than 0'));
  }
  const transitions = spec.leaseTransitions;
  if (transitions !== undefined && transitions !== null && !(typeof transitions === 'number' && transitions >= 0)) {
    errs.push(invalid(path.child('leaseTransitions'), transitions, 'must be greater than or equal to 0'));
  }
  return errs;
}
