/** core/v1 Namespace validation (pkg/apis/core/validation ValidateNamespace{,Update}). */
import type { Namespace } from '../../api-types/core.js';
import { Labels } from '../../api-types/well-known.js';
import { type FieldCause, FieldPath, invalid, notSupported } from './field.js';
import { str, validateFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSLabel } from './names.js';

const phases = ['Active', 'Terminating'];

/**
 * Labels a named Namespace with its name, on every write, so namespace selectors can pick it by
 * name (pkg/apis/core/v1/defaults.go SetDefaults_Namespace, and the namespace strategy's
 * Canonicalize for a generated name: the store defaults after it has generated the name).
 */
export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata?.name;
  if (!name) return;
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [Labels.metadataName]: name };
}

/** Validates a Namespace: a DNS-1123 label name and qualified spec.finalizers. */
export function validateNamespace(ns: Namespace, old: Namespace | undefined, subresource?: 'status'): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(ns.metadata, old.metadata));
  if (subresource === 'status') {
    // ValidateNamespaceStatusUpdate: the phase follows deletionTimestamp.
    const phase = ns.status?.phase;
    const path = FieldPath.root('status', 'phase');
    if (phase !== undefined && !phases.includes(phase)) errs.push(notSupported(path, phase, phases));
    else if (!ns.metadata?.deletionTimestamp && phase !== undefined && phase !== 'Active') {
      errs.push(invalid(path, phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    } else if (ns.metadata?.deletionTimestamp && phase !== 'Terminating') {
      errs.push(invalid(path, phase ?? '', "may only be 'Terminating' if `deletionTimestamp` is not empty"));
    }
    return errs;
  }
  errs.push(...validateObjectMeta(ns.metadata, { namespaced: false, validateName: nameIsDNSLabel }));
  const finalizers = Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers : [];
  finalizers.forEach((f, i) => errs.push(...validateFinalizerName(str(f), FieldPath.root('spec', 'finalizers').index(i))));
  return errs;
}
