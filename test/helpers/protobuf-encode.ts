/**
 * A test-only encoder of Kubernetes protobuf bodies from JSON objects, by the same tables the
 * server's decoder reads (apiserver/protobuf): the envelope `k8s\0` + runtime.Unknown, value
 * fields written even when zero (as go-to-protobuf writes them), times as Timestamps.
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ALL_KINDS, ALL_MESSAGES } from '../../apiserver/protobuf/registry.js';
import { parseFieldType, type FieldType } from '../../apiserver/protobuf/schema.js';

/** The protobuf body of `obj` (its apiVersion and kind pick the message). */
export function encodeKubernetesProtobuf(obj: Record<string, unknown>): Buffer {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const key = ALL_KINDS[apiVersion]?.[kind];
  if (key === undefined) throw new Error(`no table for ${apiVersion} ${kind}`);
  const raw = encodeMessage(key, obj);
  return envelope(apiVersion, kind, raw);
}

/** The envelope around already encoded object bytes. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const typeMeta = new BinaryWriter().tag(1, WireType.LengthDelimited).string(apiVersion).tag(2, WireType.LengthDelimited).string(kind).finish();
  const unknown = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(typeMeta).tag(2, WireType.LengthDelimited).bytes(raw).finish();
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), unknown]);
}

/** The bytes of message `key` holding the members of `obj` the table names. */
export function encodeMessage(key: string, obj: Record<string, unknown>): Uint8Array {
  const w = new BinaryWriter();
  for (const [no, [name, typeText]] of Object.entries(ALL_MESSAGES[key] ?? {})) {
    const type = parseFieldType(typeText);
    const field = Number(no);
    if (name === '') {
      if (type.kind !== 'message') throw new Error(`${key}: inline field ${no} is not a message`);
      w.tag(field, WireType.LengthDelimited).bytes(encodeMessage(type.message, obj));
      continue;
    }
    const value = obj[name];
    if (value === undefined || value === null) continue;
    if (type.kind === 'repeated') for (const item of value as unknown[]) writeValue(w, field, type.of, item);
    else if (type.kind === 'map') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const entry = new BinaryWriter().tag(1, WireType.LengthDelimited).string(k);
        writeValue(entry, 2, type.of, v);
        w.tag(field, WireType.LengthDelimited).bytes(entry.finish());
      }
    } else writeValue(w, field, type, value);
  }
  return w.finish();
}

function writeValue(w: BinaryWriter, field: number, type: FieldType, value: unknown): void {
  if (type.kind === 'scalar') {
    switch (type.scalar) {
      case 'string':
        return void w.tag(field, WireType.LengthDelimited).string(value as string);
      case 'bytes':
        return void w.tag(field, WireType.LengthDelimited).bytes(Buffer.from(value as string, 'base64'));
      case 'bool':
        return void w.tag(field, WireType.Varint).bool(value as boolean);
      case 'int32':
        return void w.tag(field, WireType.Varint).int32(value as number);
      case 'int64':
        return void w.tag(field, WireType.Varint).int64(value as number);
      case 'double':
        return void w.tag(field, WireType.Bit64).double(value as number);
    }
    throw new Error(`unknown scalar ${type.scalar}`);
  }
  if (type.kind !== 'message') throw new Error('nested repeated or map');
  w.tag(field, WireType.LengthDelimited).bytes(encodeSpecial(type.message, value) ?? encodeMessage(type.message, value as Record<string, unknown>));
}

function encodeSpecial(message: string, value: unknown): Uint8Array | undefined {
  switch (message) {
    case 'meta.Time':
    case 'meta.MicroTime': {
      const ms = Date.parse(value as string);
      const micros = /\.(\d{6})/.exec(value as string)?.[1];
      const w = new BinaryWriter().tag(1, WireType.Varint).int64(Math.floor(ms / 1000));
      if (micros) w.tag(2, WireType.Varint).int32(Number(micros) * 1000);
      return w.finish();
    }
    case 'intstr.IntOrString':
      return typeof value === 'number'
        ? new BinaryWriter().tag(1, WireType.Varint).int64(0).tag(2, WireType.Varint).int32(value).finish()
        : new BinaryWriter().tag(1, WireType.Varint).int64(1).tag(3, WireType.LengthDelimited).string(value as string).finish();
    case 'resource.Quantity':
      return new BinaryWriter().tag(1, WireType.LengthDelimited).string(value as string).finish();
    case 'meta.FieldsV1':
    case 'runtime.RawExtension':
      return new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(Buffer.from(JSON.stringify(value))).finish();
    default:
      return undefined;
  }
}
