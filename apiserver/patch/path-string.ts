/**
 * Field paths as structured-merge-diff prints them in its messages (fieldpath.Path.String):
 * `.spec.ports[port=80,protocol="TCP"].targetPort`.
 */
import { isObject, type JsonObject } from './json-value.js';
import type { FieldPath } from './field-set.js';

/** Prints a path as structured-merge-diff does: `.spec.ports[port=80,protocol="TCP"].targetPort`. */
export function pathString(path: FieldPath): string {
  return path.map(peString).join('');
}

function peString(pe: string): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const key = JSON.parse(body) as JsonObject;
      return `[${Object.entries(key).map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
    }
    case 'v':
      return `[=${valueString(JSON.parse(body))}]`;
    default:
      return `[${body}]`;
  }
}

/** value.ToString: strings quoted, numbers and booleans bare, lists and maps spelled out. */
function valueString(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join(',')}}`;
  return String(v);
}
