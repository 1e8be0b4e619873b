/**
 * Wire-format checks for timestamps. metav1.MicroTime (Lease acquireTime/renewTime, Event
 * eventTime) is RFC 3339 with exactly six fractional digits; metav1.Time is RFC 3339 to the
 * second. A real kube-apiserver refuses other forms while decoding (400); svcplane reports them
 * as field errors so the caller learns which field is wrong.
 */
import { type FieldCause, type FieldPath, invalid } from './field.js';

const microTimeRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const timeRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The detail of a MicroTime error. */
export const microTimeMessage = 'must be a MicroTime: RFC 3339 with exactly 6 fractional digits (e.g. 2006-01-02T15:04:05.000000Z)';

/** True when `s` is a MicroTime with exactly six fractional digits and a real date. */
export function isMicroTime(s: unknown): boolean {
  return typeof s === 'string' && microTimeRe.test(s) && !Number.isNaN(Date.parse(s));
}

/** Checks an optional MicroTime field: absent and null pass. */
export function validateMicroTime(value: unknown, path: FieldPath): FieldCause[] {
  if (value === undefined || value === null) return [];
  return isMicroTime(value) ? [] : [invalid(path, value, microTimeMessage)];
}

/** Checks an optional metav1.Time field (RFC 3339; fractions are dropped on the wire). */
export function validateTime(value: unknown, path: FieldPath): FieldCause[] {
  if (value === undefined || value === null) return [];
  return typeof value === 'string' && timeRe.test(value) && !Number.isNaN(Date.parse(value))
    ? []
    : [invalid(path, value, 'must be an RFC 3339 time (e.g. 2006-01-02T15:04:05Z)')];
}
