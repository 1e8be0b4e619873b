/** core/v1 ConfigMap validation (pkg/apis/core/validation ValidateConfigMap{,Update}). */
import type { ConfigMap } from '../../api-types/core.js';
import { type FieldCause, FieldPath, forbidden, invalid, textOf, tooLong } from './field.js';
import { deepEqual } from '../deep-equal.js';
import { sortedEntries, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.js';

/** The most data one ConfigMap may hold (core.MaxSecretSize). */
export const maxConfigMapBytes = 1024 * 1024;

/** Validates a ConfigMap: data keys, no key in both maps, total size; an immutable one stays as it is. */
export function validateConfigMap(cm: ConfigMap, old: ConfigMap | undefined): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(cm.metadata, old.metadata));
    if (old.immutable === true) {
      const why = 'field is immutable when `immutable` is set';
      if (cm.immutable !== true) errs.push(forbidden(FieldPath.root('immutable'), why));
      if (!deepEqual(cm.data ?? {}, old.data ?? {})) errs.push(forbidden(FieldPath.root('data'), why));
      if (!deepEqual(cm.binaryData ?? {}, old.binaryData ?? {})) errs.push(forbidden(FieldPath.root('binaryData'), why));
    }
  }
  errs.push(...validateObjectMeta(cm.metadata, { namespaced: true, validateName: nameIsDNSSubdomain }));
  let total = 0;
  const binary = (cm.binaryData ?? {}) as Record<string, string>;
  for (const [key, value] of sortedEntries(cm.data)) {
    const p = FieldPath.root('data').key(key);
    for (const m of isConfigMapKey(key)) errs.push(invalid(p, key, m));
    if (Object.hasOwn(binary, key)) errs.push(invalid(p, key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(textOf(value));
  }
  for (const [key, value] of sortedEntries(binary)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(FieldPath.root('binaryData').key(key), key, m));
    // binaryData travels base64-encoded; the limit is on the bytes.
    total += Buffer.from(textOf(value), 'base64').length;
  }
  if (total > maxConfigMapBytes) errs.push(tooLong(FieldPath.root(''), maxConfigMapBytes));
  return errs;
}
