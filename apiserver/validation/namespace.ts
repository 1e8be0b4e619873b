/** core/v1 Namespace validation (pkg/apis/core/validation ValidateNamespace{,Update}). */
import type { Namespace } from '../../api-types/core.js';
import { type FieldCause, FieldPath, notSupported } from './field.js';
import { str, validateFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSLabel } from './names.js';

const phases = ['Active', 'Terminating'];

/** Validates a Namespace: a DNS-1123 label name and qualified spec.finalizers. */
export function validateNamespace(ns: Namespace, old: Namespace | undefined, subresource?: 'status'): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(ns.metadata, old.metadata));
  if (subresource === 'status') {
    const phase = ns.status?.phase;
    if (phase !== undefined && !phases.includes(phase)) errs.push(notSupported(FieldPath.root('status', 'phase'), phase, phases));
    return errs;
  }
  errs.push(...validateObjectMeta(ns.metadata, { namespaced: false, validateName: nameIsDNSLabel }));
  const finalizers = Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers : [];
  finalizers.forEach((f, i) => errs.push(...validateFinalizerName(str(f), FieldPath.root('spec', 'finalizers').index(i))));
  return errs;
}
