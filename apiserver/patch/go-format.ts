/**
 * How Go's fmt prints decoded JSON (`map[string]interface{}`, `[]interface{}`, string, int64,
 * float64, bool, nil) with `%v`, and the reflect type names of those values: the text of
 * apimachinery's strategic merge patch errors (mergepatch.ErrNoMergeKey, ErrBadPatchType,
 * ErrBadArgType, strategicpatch's setElementOrder check), which print the patch's values that way.
 * kube-apiserver decodes a strategic patch with sigs.k8s.io/json's PreserveInts, so integral
 * numbers are int64 and the rest float64.
 */
import { isObject } from './json-value.js';

/**
 * Formats a decoded JSON value as Go's `%v` does: `map[k1:v1 k2:v2]` with keys sorted,
 * `[a b]`, strings bare, `<nil>` for null, floats in `%g` form (`1.5`, `1e-05`, `1.2345675e+06`).
 */
export function formatGoValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(formatGoValue).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${keys.map((k) => `${k}:${formatGoValue(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number') return formatGoNumber(v);
  return String(v);
}

/**
 * The reflect type name Go prints for a decoded JSON value (`reflect.TypeOf(v)` under `%s`):
 * `map[string]interface {}`, `[]interface {}`, `string`, `int64`, `float64`, `bool`, and
 * `%!s(<nil>)` for null (a nil reflect.Type).
 */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (isObject(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return isInt64(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** Whether PreserveInts would have decoded `n` as an int64 (integral and in range; JSON.parse has lost "1.0" vs "1"). */
function isInt64(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

/** An int64 in decimal; a float64 as strconv's shortest `%g` (exponent form below 1e-4 or from 1e6). */
function formatGoNumber(n: number): string {
  if (isInt64(n)) return BigInt(n).toString();
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e >= -4 && e < 6) return String(n);
  const digits = String(Math.abs(e)).padStart(2, '0');
  return `${mantissa}e${e < 0 ? '-' : '+'}${digits}`;
}
