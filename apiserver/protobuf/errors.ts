/** Why a protobuf request body could not be decoded; callers match on `code`. */
export abstract class ProtobufError extends Error {
  abstract readonly code: 'ProtobufDecode' | 'ProtobufKind';
}

/** The body is not a readable protobuf message (kube-apiserver answers 400). */
export class ProtobufDecodeError extends ProtobufError {
  readonly code = 'ProtobufDecode';
}

/** The body is a protobuf message of a kind this server has no table for (kube-apiserver answers 415). */
export class ProtobufKindError extends ProtobufError {
  readonly code = 'ProtobufKind';

  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`no protobuf decoding for ${kind} in ${apiVersion || 'no apiVersion'}`);
  }
}
