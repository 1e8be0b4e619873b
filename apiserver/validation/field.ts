/**
 * Field paths and field errors in the shape of apimachinery's `field` package
 * (staging/src/k8s.io/apimachinery/pkg/util/validation/field/{path,errors}.go): each error is a
 * StatusCause whose message is Kubernetes' `ErrorBody()`, the error text without the field.
 */
import type { StatusCause } from '../../api-types/meta.js';
import { deepEqual } from '../deep-equal.js';

/** The cause reasons field validation produces (field.ErrorType values). */
export type CauseReason =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany';

/** A StatusCause with every member set, as field validation reports it. */
export interface FieldCause extends StatusCause {
  reason: CauseReason;
  field: string;
  message: string;
}

/**
 * A field path, printed as Kubernetes prints it: `spec.ports[0].name`, `data[key]`. Paths are
 * built for every field validated but printed only for the rare invalid one, so a path keeps its
 * parent and one segment and builds its text on first use.
 */
export class FieldPath {
  #text: string | undefined;

  // `segment` follows the parent text as is (`[0]`), or after a dot when `dotted`.
  private constructor(private readonly parent: FieldPath | undefined, private readonly segment: string, private readonly dotted: boolean) {}

  /** Starts a path at one or more top-level names: `FieldPath.root('spec', 'ports')`. */
  static root(...names: string[]): FieldPath {
    return new FieldPath(undefined, names.join('.'), false);
  }

  /** Appends `.name` (or several). */
  child(...names: string[]): FieldPath {
    return new FieldPath(this, names.length === 1 ? names[0] : names.join('.'), true);
  }

  /** Appends `[i]`. */
  index(i: number): FieldPath {
    return new FieldPath(this, `[${i}]`, false);
  }

  /** Appends `[key]` (map keys are not quoted, as in field.Path.Key). */
  key(k: string): FieldPath {
    return new FieldPath(this, `[${k}]`, false);
  }

  /** The printed path. */
  toString(): string {
    if (this.#text === undefined) {
      const head = this.parent ? this.parent.toString() : '';
      this.#text = this.dotted && head !== '' ? `${head}.${this.segment}` : head + this.segment;
    }
    return this.#text;
  }
}

/** A value printed verbatim, for the Go `%#v` renderings Kubernetes puts in a few messages. */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/**
 * A value as text for checks that read text (label values, sizes): a string as it is, a number
 * or boolean printed, anything else as JSON. Never throws, where String() throws on an object
 * whose toString is not a function (a body may carry `{"toString": 0}`).
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '';
  return JSON.stringify(value) ?? '';
}

/**
 * Prints a bad value the way ErrorBody does: numbers and booleans plain, strings Go-quoted,
 * null/undefined as `"null"`, string lists as `[]string{"a", "b"}`; anything else as JSON (Go's
 * `%#v` of a struct has no counterpart here).
 */
export function formatValue(value: unknown): string {
  // ErrorBody turns a nil value into the string "null" and then quotes it as any string.
  if (value === null || value === undefined) return '"null"';
  if (value instanceof GoLiteral) return value.text;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function cause(reason: CauseReason, path: FieldPath, message: string): FieldCause {
  return { reason, field: path.toString(), message };
}

function withDetail(body: string, detail: string): string {
  return detail === '' ? body : `${body}: ${detail}`;
}

/** field.Invalid: `Invalid value: <value>: <detail>`. */
export function invalid(path: FieldPath, value: unknown, detail: string): FieldCause {
  return cause('FieldValueInvalid', path, withDetail(`Invalid value: ${formatValue(value)}`, detail));
}

/** field.Required: `Required value[: <detail>]`. */
export function required(path: FieldPath, detail = ''): FieldCause {
  return cause('FieldValueRequired', path, withDetail('Required value', detail));
}

/** field.Duplicate: `Duplicate value: <value>`. */
export function duplicate(path: FieldPath, value: unknown): FieldCause {
  return cause('FieldValueDuplicate', path, `Duplicate value: ${formatValue(value)}`);
}

/** field.NotSupported: `Unsupported value: <value>: supported values: "a", "b"`. */
export function notSupported(path: FieldPath, value: unknown, supported: readonly string[]): FieldCause {
  const detail = supported.length === 0 ? '' : `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}`;
  return cause('FieldValueNotSupported', path, withDetail(`Unsupported value: ${formatValue(value)}`, detail));
}

/** field.Forbidden: `Forbidden: <detail>`. */
export function forbidden(path: FieldPath, detail: string): FieldCause {
  return cause('FieldValueForbidden', path, withDetail('Forbidden', detail));
}

/** field.TooLong: `Too long: may not be more than <n> bytes` (the value is never printed). */
export function tooLong(path: FieldPath, maxBytes: number): FieldCause {
  return cause('FieldValueTooLong', path, `Too long: may not be more than ${maxBytes} bytes`);
}

/** field.TooMany: `Too many: <actual>: must have at most <max> items`. */
export function tooMany(path: FieldPath, actual: number, max: number): FieldCause {
  return cause('FieldValueTooMany', path, `Too many: ${actual}: must have at most ${max} items`);
}

/** ValidateImmutableField: `Invalid value: <new>: field is immutable` when new and old differ. */
export function immutable(path: FieldPath, next: unknown, prev: unknown): FieldCause[] {
  return deepEqual(next, prev) ? [] : [invalid(path, next, 'field is immutable')];
}

