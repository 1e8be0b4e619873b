/**
 * fast-check arbitraries of JSON objects shaped by the protobuf tables (apiserver/protobuf): value
 * fields non-zero (a zero one is not written back by decoding), pointer fields and list items
 * anything, lists and maps non-empty, inline members on the parent, nesting cut at depth 6.
 */
import fc from 'fast-check';
import { ALL_MESSAGES } from '../../apiserver/protobuf/registry.js';
import { parseFieldType, type FieldType } from '../../apiserver/protobuf/schema.js';

const text = fc.string({ minLength: 1, maxLength: 6 });
function scalarArb(scalar: string, canBeZero: boolean): fc.Arbitrary<unknown> {
  const nonZero = <T>(a: fc.Arbitrary<T>) => (canBeZero ? a : a.filter((v) => v !== 0 && v !== '' && v !== false));
  switch (scalar) {
    case 'string':
      return canBeZero ? fc.string({ maxLength: 6 }) : text;
    case 'bool':
      return nonZero(fc.boolean());
    case 'int32':
      return nonZero(fc.integer());
    case 'int64':
    case 'double':
      return nonZero(fc.maxSafeInteger());
    case 'bytes':
      return fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => Buffer.from(b).toString('base64'));
  }
  throw new Error(scalar);
}
const seconds = fc.integer({ min: 0, max: 4_000_000_000 });
const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
function specialArb(message: string): fc.Arbitrary<unknown> | undefined {
  switch (message) {
    case 'meta.Time':
      return seconds.map(iso);
    case 'meta.MicroTime':
      return fc.tuple(seconds, fc.integer({ min: 0, max: 999_999 })).map(([s, us]) => `${iso(s).slice(0, -1)}.${String(us).padStart(6, '0')}Z`);
    case 'intstr.IntOrString':
      return fc.oneof(fc.integer({ min: 0, max: 65535 }), text);
    case 'resource.Quantity':
      return fc.constantFrom('1', '250m', '2Gi');
    case 'meta.FieldsV1':
    case 'runtime.RawExtension':
      return fc.dictionary(text, fc.constant({}), { minKeys: 1, maxKeys: 2 });
  }
  return undefined;
}
function valueArb(type: FieldType, depth: number, isItem: boolean): fc.Arbitrary<unknown> {
  if (type.kind === 'scalar') return scalarArb(type.scalar, isItem || type.isPointer);
  if (type.kind === 'repeated') return fc.array(valueArb(type.of, depth, true), { minLength: 1, maxLength: 2 });
  if (type.kind === 'map') return fc.dictionary(text, valueArb(type.of, depth, true), { minKeys: 1, maxKeys: 2 });
  return specialArb(type.message) ?? messageArb(type.message, depth + 1);
}
/** A random JSON object of message `key` (a table key such as `core.Service`). */
export function messageArb(key: string, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (depth > 6) return fc.constant({});
  const members: Record<string, fc.Arbitrary<unknown>> = {};
  const inline: fc.Arbitrary<Record<string, unknown>>[] = [];
  for (const [name, typeText] of Object.values(ALL_MESSAGES[key])) {
    const type = parseFieldType(typeText);
    if (name === '' && type.kind === 'message') inline.push(messageArb(type.message, depth));
    else members[name] = valueArb(type, depth, false);
  }
  return fc.tuple(fc.record(members, { requiredKeys: [] }), ...inline).map(([own, ...merged]) => Object.assign({}, ...merged, own) as Record<string, unknown>);
}
