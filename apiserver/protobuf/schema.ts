/**
 * What the protobuf decoder knows of a Kubernetes message: for each field number, the field's
 * JSON name and how its value reads. Kubernetes' built-in types are written in protobuf by
 * go-to-protobuf (proto2: every scalar `optional`, maps as repeated key/value entries); this table
 * gives them the JSON shape the same object has when a Go client marshals it to JSON.
 *
 * A type is one of:
 * - a scalar: `string`, `bool`, `int32`, `int64`, `double`, `bytes` (base64 in JSON). A scalar
 *   left at its zero value ('' / 0 / false) is left out, as Go's `omitempty` does (go-to-protobuf
 *   writes value fields even when zero, so presence says nothing);
 * - a pointer scalar, `*string`, `*bool`, `*int32`, `*int64`, `*double`: a Go pointer field,
 *   written only when set, so a zero value is kept (`replicas: 0`);
 * - a message, by its key in the table (`core.ServicePort`, `meta.ObjectMeta`);
 * - `[]T`: a repeated field of any of the above (scalars packed or not);
 * - `map<T>`: a `map<string, T>` of a scalar or a message.
 *
 * A message field whose JSON name is '' is inline (Go's `json:",inline"`): its members are written
 * on the parent object, as `Volume` carries its volume source's members beside `name`.
 *
 * Message keys are `<group>.<Name>`: meta, core, apps, policy, rbac, discovery, coordination,
 * events, networking; plus the special messages of apimachinery whose JSON is not an object
 * (see SPECIAL).
 */

/** Field number → [JSON name, type]. */
export type MessageSchema = Readonly<Record<number, readonly [name: string, type: string]>>;

/** Message key → its schema. */
export type MessageTable = Readonly<Record<string, MessageSchema>>;

/** apiVersion → kind → message key of the kinds a request body may carry. */
export type KindTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * apimachinery's messages whose JSON form is not an object: read by the decoder itself.
 * - `meta.Time`: RFC 3339 in whole seconds (`2006-01-02T15:04:05Z`); empty means no time.
 * - `meta.MicroTime`: RFC 3339 with six fractional digits.
 * - `meta.Duration`: Go's duration text (`1h0m0s`).
 * - `intstr.IntOrString`: a number or a string.
 * - `resource.Quantity`: its string.
 * - `meta.FieldsV1`, `runtime.RawExtension`: the embedded JSON document.
 */
export const SPECIAL = new Set(['meta.Time', 'meta.MicroTime', 'meta.Duration', 'intstr.IntOrString', 'resource.Quantity', 'meta.FieldsV1', 'runtime.RawExtension']);

export const SCALARS = new Set(['string', 'bool', 'int32', 'int64', 'double', 'bytes']);

/** A parsed type string. */
export type FieldType =
  | { kind: 'scalar'; scalar: string; isPointer: boolean }
  | { kind: 'message'; message: string }
  | { kind: 'repeated'; of: FieldType }
  | { kind: 'map'; of: FieldType };

/** Parses a type string of a table (see the top of this file). */
export function parseFieldType(type: string): FieldType {
  if (type.startsWith('[]')) return { kind: 'repeated', of: parseFieldType(type.slice(2)) };
  if (type.startsWith('map<') && type.endsWith('>')) return { kind: 'map', of: parseFieldType(type.slice(4, -1)) };
  const isPointer = type.startsWith('*');
  const bare = isPointer ? type.slice(1) : type;
  if (SCALARS.has(bare)) return { kind: 'scalar', scalar: bare, isPointer };
  if (isPointer) throw new TypeError(`protobuf schema: '${type}' is a pointer to a non-scalar; write the message key alone`);
  return { kind: 'message', message: type };
}

/** Every message key a table's fields name, with the field that names it. */
export function referencedMessages(table: MessageTable): Array<{ from: string; field: string; message: string }> {
  const out: Array<{ from: string; field: string; message: string }> = [];
  const visit = (t: FieldType, from: string, field: string): void => {
    if (t.kind === 'message') out.push({ from, field, message: t.message });
    else if (t.kind === 'repeated' || t.kind === 'map') visit(t.of, from, field);
  };
  for (const [key, schema] of Object.entries(table)) {
    for (const [name, type] of Object.values(schema)) visit(parseFieldType(type), key, name);
  }
  return out;
}
