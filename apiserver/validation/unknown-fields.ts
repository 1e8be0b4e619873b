/**
 * Unknown fields of a request body, for `fieldValidation` (Strict: the write fails; Warn, the
 * default: it succeeds with a Warning header per field; Ignore), and their removal: decoding a
 * body into its Go type drops them, so kube-apiserver never stores them. kube-apiserver finds them
 * by decoding strictly; here the protobuf tables (apiserver/protobuf), which name every JSON field
 * of every served built-in kind for Kubernetes 1.33, are the schema. Paths are written as
 * kube-apiserver writes them: `spec.ports[0].nodeport`.
 */
import { ALL_KINDS } from '../protobuf/registry.js';
import { SPECIAL, type FieldType } from '../protobuf/schema.js';
import { schemaMembers } from './json-types.js';

/**
 * The paths of `obj`'s members that its kind does not have, or undefined when this server has no
 * schema for the kind (`apiVersion` as `group/version`, or `v1` for core). With `isPruning`, those
 * members are also deleted from `obj`, which must be the caller's to edit. Values of the wrong
 * type are left to validation.
 */
export function unknownFields(apiVersion: string, kind: string, obj: object, isPruning = false): string[] | undefined {
  const key = ALL_KINDS[apiVersion]?.[kind];
  if (key === undefined) return undefined;
  const walk = new Walk(isPruning);
  walk.object(key, obj, true);
  return walk.found;
}

/**
 * One walk over a body. The path is kept as a stack of segments (a member name, or a list index
 * or map key written `[…]`) and only joined into text for an unknown member: a body with none
 * costs no strings.
 */
class Walk {
  readonly found: string[] = [];
  private readonly path: string[] = [];

  constructor(private readonly isPruning: boolean) {}

  object(key: string, value: unknown, isTop = false): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const known = schemaMembers(key);
    const members = value as Record<string, unknown>;
    for (const name in members) {
      if (isTop && (name === 'apiVersion' || name === 'kind')) continue;
      const type = known.get(name)?.type;
      if (type !== undefined) {
        if (type.kind !== 'scalar') {
          this.path.push(name);
          this.value(type, members[name]);
          this.path.pop();
        }
        continue;
      }
      this.found.push(this.text(name));
      if (this.isPruning) delete members[name];
    }
  }

  private value(type: FieldType, value: unknown): void {
    if (type.kind === 'message') {
      if (!SPECIAL.has(type.message)) this.object(type.message, value);
    } else if (type.kind === 'repeated') {
      if (!Array.isArray(value) || type.of.kind === 'scalar') return;
      for (let i = 0; i < value.length; i++) {
        this.path.push(`[${i}]`);
        this.value(type.of, value[i]);
        this.path.pop();
      }
    } else if (type.kind === 'map' && type.of.kind !== 'scalar' && value !== null && typeof value === 'object') {
      for (const [k, item] of Object.entries(value)) {
        this.path.push(`[${k}]`);
        this.value(type.of, item);
        this.path.pop();
      }
    }
  }

  /** `spec.ports[0].nodeport` for member `name` at the current path. */
  private text(name: string): string {
    let out = '';
    for (const segment of this.path) out += out === '' || segment.startsWith('[') ? segment : `.${segment}`;
    return out === '' ? name : `${out}.${name}`;
  }
}
