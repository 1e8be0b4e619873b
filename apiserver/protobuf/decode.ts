/**
 * Decodes a Kubernetes protobuf request body into the JSON object a Go client would have sent
 * for the same value. The body is the envelope of k8s.io/apimachinery's protobuf serializer: the
 * four bytes `k8s\0`, then a runtime.Unknown message carrying the apiVersion and kind and the
 * object's own bytes. The object is read by the tables of registry.ts; fields the tables do not
 * name are skipped, as a protobuf decoder skips unknown fields.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { ALL_KINDS, ALL_MESSAGES } from './registry.js';
import { ProtobufDecodeError, ProtobufError, ProtobufKindError } from './errors.js';
import { parseFieldType, type FieldType, type KindTable, type MessageTable } from './schema.js';

/** The media type of Kubernetes' protobuf encoding. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/**
 * The JSON object of a protobuf body, with its apiVersion and kind. Throws ProtobufDecodeError
 * for a body that is not a protobuf message and ProtobufKindError for a kind with no table.
 */
export function decodeKubernetesProtobuf(body: Uint8Array, table: { messages: MessageTable; kinds: KindTable } = { messages: ALL_MESSAGES, kinds: ALL_KINDS }): Record<string, unknown> {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  if (body.length === MAGIC.length) throw new ProtobufDecodeError('empty body');
  const envelope = readEnvelope(body.subarray(MAGIC.length));
  const key = table.kinds[envelope.apiVersion]?.[envelope.kind];
  if (key === undefined) throw new ProtobufKindError(envelope.apiVersion, envelope.kind);
  let decoder = decoders.get(table.messages);
  if (decoder === undefined) decoders.set(table.messages, (decoder = new Decoder(table.messages)));
  const object = decoder.message(key, envelope.raw);
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...object };
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

/** runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType. */
function readEnvelope(bytes: Uint8Array): Envelope {
  const out: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array() };
  guard(() => {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, wire] = r.tag();
      if (no === 1 && wire === WireType.LengthDelimited) {
        const t = new BinaryReader(r.bytes());
        while (t.pos < t.len) {
          const [tno, twire] = t.tag();
          if (tno === 1 && twire === WireType.LengthDelimited) out.apiVersion = t.string();
          else if (tno === 2 && twire === WireType.LengthDelimited) out.kind = t.string();
          else t.skip(twire, tno);
        }
      } else if (no === 2 && wire === WireType.LengthDelimited) out.raw = r.bytes();
      else if (no === 3 && wire === WireType.LengthDelimited) {
        const encoding = r.string();
        if (encoding !== '') throw new ProtobufDecodeError(`unsupported contentEncoding ${JSON.stringify(encoding)}`);
      } else r.skip(wire, no);
    }
  });
  return out;
}

/** Runs `fn`, turning the wire reader's errors (truncated data, bad varints) into ProtobufDecodeError. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    throw new ProtobufDecodeError(`malformed protobuf: ${(e as Error).message}`);
  }
}

/** Go's zero time.Time, in Unix seconds: how a zero metav1.Time reads when a client writes one. */
const GO_ZERO_TIME_SECONDS = -62135596800;

/** One decoder per table, so each message's parsed field types are kept across requests. */
const decoders = new WeakMap<MessageTable, Decoder>();

class Decoder {
  private readonly parsed = new Map<string, Map<number, { name: string; type: FieldType }>>();

  constructor(private readonly messages: MessageTable) {}

  /** The JSON object of message `key` read from `bytes`. */
  message(key: string, bytes: Uint8Array): Record<string, unknown> {
    return guard(() => this.readMessage(key, bytes));
  }

  private fields(key: string): Map<number, { name: string; type: FieldType }> {
    let fields = this.parsed.get(key);
    if (fields === undefined) {
      const schema = this.messages[key];
      if (schema === undefined) throw new ProtobufDecodeError(`no protobuf table for message ${key}`);
      fields = new Map(Object.entries(schema).map(([no, [name, type]]) => [Number(no), { name, type: parseFieldType(type) }]));
      this.parsed.set(key, fields);
    }
    return fields;
  }

  private readMessage(key: string, bytes: Uint8Array): Record<string, unknown> {
    const fields = this.fields(key);
    const out: Record<string, unknown> = {};
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, wire] = r.tag();
      const field = fields.get(no);
      if (field === undefined) {
        r.skip(wire, no);
        continue;
      }
      const { name, type } = field;
      if (type.kind === 'repeated') {
        const list = (out[name] ??= []) as unknown[];
        if (type.of.kind === 'scalar' && wire === WireType.LengthDelimited && type.of.scalar !== 'string' && type.of.scalar !== 'bytes') {
          // Packed: a run of scalars in one length-delimited field.
          const packed = new BinaryReader(r.bytes());
          while (packed.pos < packed.len) list.push(this.scalar(packed, type.of.scalar, key, name));
        } else {
          list.push(this.single(r, wire, type.of, key, name, true));
        }
      } else if (type.kind === 'map') {
        expectWire(wire, WireType.LengthDelimited, key, name);
        const [k, v] = this.mapEntry(r.bytes(), type.of, key, name);
        ((out[name] ??= {}) as Record<string, unknown>)[k] = v;
      } else {
        const value = this.single(r, wire, type, key, name, false);
        if (name === '') Object.assign(out, value);
        else if (value === undefined) delete out[name];
        else out[name] = value;
      }
    }
    return out;
  }

  /**
   * One value of a field. A scalar at its zero value reads as undefined (left out) unless it is a
   * pointer field or a list item; so does a time that is not set.
   */
  private single(r: BinaryReader, wire: WireType, type: FieldType, key: string, name: string, isItem: boolean): unknown {
    if (type.kind === 'scalar') {
      expectWire(wire, wireOf(type.scalar), key, name);
      const value = this.scalar(r, type.scalar, key, name);
      return isItem || type.isPointer || !isZero(value) ? value : undefined;
    }
    if (type.kind !== 'message') throw new ProtobufDecodeError(`${key}.${name}: nested repeated or map type`);
    expectWire(wire, WireType.LengthDelimited, key, name);
    const bytes = r.bytes();
    const special = this.special(type.message, bytes, key, name);
    if (special !== NOT_SPECIAL) return special;
    return this.readMessage(type.message, bytes);
  }

  private scalar(r: BinaryReader, scalar: string, key: string, name: string): unknown {
    switch (scalar) {
      case 'string':
        return r.string();
      case 'bool':
        return r.bool();
      case 'int32':
        return r.int32();
      case 'int64':
        return Number(r.int64());
      case 'double':
        return r.double();
      case 'bytes':
        return Buffer.from(r.bytes()).toString('base64');
      default:
        throw new ProtobufDecodeError(`${key}.${name}: unknown scalar ${scalar}`);
    }
  }

  /** A map entry message: 1 key (string), 2 value. */
  private mapEntry(bytes: Uint8Array, valueType: FieldType, key: string, name: string): [string, unknown] {
    const r = new BinaryReader(bytes);
    let k = '';
    let v: unknown;
    while (r.pos < r.len) {
      const [no, wire] = r.tag();
      if (no === 1) {
        expectWire(wire, WireType.LengthDelimited, key, name);
        k = r.string();
      } else if (no === 2) v = this.single(r, wire, valueType, key, name, true);
      else r.skip(wire, no);
    }
    // A map value left out of the entry is the value type's zero value.
    if (v === undefined) v = zeroOf(valueType, this);
    return [k, v];
  }

  /** The JSON value of apimachinery's special messages (schema.ts SPECIAL), or NOT_SPECIAL. */
  private special(message: string, bytes: Uint8Array, key: string, name: string): unknown {
    switch (message) {
      case 'meta.Time':
      case 'meta.MicroTime': {
        if (bytes.length === 0) return undefined;
        let seconds = 0;
        let nanos = 0;
        readFields(bytes, (no, r, wire) => {
          if (no === 1) seconds = Number(r.int64());
          else if (no === 2) nanos = r.int32();
          else r.skip(wire, no);
        });
        if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return undefined;
        return message === 'meta.Time' ? formatTime(seconds) : formatMicroTime(seconds, nanos);
      }
      case 'intstr.IntOrString': {
        let kind = 0;
        let intVal = 0;
        let strVal = '';
        readFields(bytes, (no, r, wire) => {
          if (no === 1) kind = Number(r.int64());
          else if (no === 2) intVal = r.int32();
          else if (no === 3) strVal = r.string();
          else r.skip(wire, no);
        });
        return kind === 1 ? strVal : intVal;
      }
      case 'resource.Quantity': {
        let text = '';
        readFields(bytes, (no, r, wire) => (no === 1 ? (text = r.string()) : r.skip(wire, no)));
        return text === '' ? '0' : text;
      }
      case 'meta.FieldsV1':
      case 'runtime.RawExtension': {
        let raw: Uint8Array | undefined;
        readFields(bytes, (no, r, wire) => (no === 1 ? (raw = r.bytes()) : r.skip(wire, no)));
        if (raw === undefined || raw.length === 0) return undefined;
        try {
          return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
        } catch {
          throw new ProtobufDecodeError(`${key}.${name}: the embedded document is not JSON`);
        }
      }
      case 'meta.Duration':
        throw new ProtobufDecodeError(`${key}.${name}: metav1.Duration is not supported`);
      default:
        return NOT_SPECIAL;
    }
  }
}

const NOT_SPECIAL = Symbol('not special');

function readFields(bytes: Uint8Array, each: (no: number, r: BinaryReader, wire: WireType) => void): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wire] = r.tag();
    each(no, r, wire);
  }
}

function wireOf(scalar: string): WireType {
  if (scalar === 'string' || scalar === 'bytes') return WireType.LengthDelimited;
  if (scalar === 'double') return WireType.Bit64;
  return WireType.Varint;
}

function expectWire(got: WireType, want: WireType, key: string, name: string): void {
  if (got !== want) throw new ProtobufDecodeError(`${key}.${name}: wire type ${got}, expected ${want}`);
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function zeroOf(type: FieldType, d: { message(key: string, bytes: Uint8Array): Record<string, unknown> }): unknown {
  if (type.kind === 'scalar') return type.scalar === 'string' || type.scalar === 'bytes' ? '' : type.scalar === 'bool' ? false : 0;
  if (type.kind === 'message') return type.message === 'resource.Quantity' ? '0' : d.message(type.message, new Uint8Array());
  return null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** RFC 3339 in whole seconds, UTC, as metav1.Time writes JSON. */
function formatTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** RFC 3339 with microseconds, UTC, as metav1.MicroTime writes JSON. */
function formatMicroTime(seconds: number, nanos: number): string {
  return `${formatTime(seconds).slice(0, -1)}.${pad(Math.floor(nanos / 1000), 6)}Z`;
}
