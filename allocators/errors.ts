/**
 * Typed allocator failures. Callers match on `code`; the messages are Kubernetes' own words
 * (pkg/registry/core/service/ipallocator/interfaces.go and portallocator/allocator.go) so that
 * the API server can wrap them exactly as kube-apiserver does ("failed to allocate IP X: ...").
 */

/** The stable codes of allocator failures. */
export type AllocatorErrorCode = 'RangeFull' | 'AlreadyAllocated' | 'NotInRange' | 'MismatchedNetwork';

/** What an allocator hands out: ClusterIPs or NodePorts. The words of the messages depend on it. */
export type AllocatorKind = 'IP' | 'port';

/** The base class of every allocator failure; match on `code`, never on the message. */
export abstract class AllocatorError extends Error {
  /** The stable code of this failure. */
  abstract readonly code: AllocatorErrorCode;
  /** Whether the allocator hands out IPs or ports. */
  readonly kind: AllocatorKind;

  protected constructor(kind: AllocatorKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = new.target.name;
  }
}

/** Thrown when automatic allocation finds no free value (`ErrFull`: `range is full`). */
export class RangeFullError extends AllocatorError {
  override readonly code = 'RangeFull' as const;

  /** Creates the error for an IP or port range. */
  constructor(kind: AllocatorKind) {
    super(kind, 'range is full');
  }
}

/**
 * Thrown when an explicitly requested value is taken (`ErrAllocated`):
 * `provided IP is already allocated` / `provided port is already allocated`.
 */
export class AlreadyAllocatedError extends AllocatorError {
  override readonly code = 'AlreadyAllocated' as const;

  /** Creates the error for an IP or port range. */
  constructor(kind: AllocatorKind) {
    super(kind, `provided ${kind} is already allocated`);
  }
}

/** What a NotInRangeError carries. */
export interface NotInRangeDetails {
  /** The rejected value: canonical IP text or a port number. */
  value: string | number;
  /** The valid range as text: a CIDR (`10.96.0.0/12`) or a port range (`30000-32767`). */
  validRange: string;
}

/**
 * Thrown when a value lies outside the usable part of the range (`ErrNotInRange`). The IP form is
 * the long-standing `the provided IP (<ip>) is not in the valid range. The range of valid IPs is
 * <cidr>`; the port form is `provided port is not in the valid range. The range of valid ports is
 * <base>-<last>`.
 */
export class NotInRangeError extends AllocatorError {
  override readonly code = 'NotInRange' as const;
  /** The rejected value: canonical IP text or a port number. */
  readonly value: string | number;
  /** The valid range as text. */
  readonly validRange: string;

  /** Creates the error for an IP or port range. */
  constructor(kind: AllocatorKind, details: NotInRangeDetails) {
    super(
      kind,
      kind === 'IP'
        ? `the provided IP (${details.value}) is not in the valid range. The range of valid IPs is ${details.validRange}`
        : `provided port is not in the valid range. The range of valid ports is ${details.validRange}`,
    );
    this.value = details.value;
    this.validRange = details.validRange;
  }
}

/**
 * Thrown when a snapshot of another range is restored (`ErrMismatchedNetwork`):
 * `the provided network does not match the current range` /
 * `the provided port range does not match the current port range`.
 */
export class MismatchedRangeError extends AllocatorError {
  override readonly code = 'MismatchedNetwork' as const;
  /** The range the snapshot was taken of. */
  readonly snapshotRange: string;
  /** The range of the allocator it was restored onto. */
  readonly currentRange: string;

  /** Creates the error for an IP or port range. */
  constructor(kind: AllocatorKind, ranges: { snapshotRange: string; currentRange: string }) {
    super(
      kind,
      kind === 'IP'
        ? 'the provided network does not match the current range'
        : 'the provided port range does not match the current port range',
    );
    this.snapshotRange = ranges.snapshotRange;
    this.currentRange = ranges.currentRange;
  }
}

/** True when `e` is an allocator failure, optionally of the given code. */
export function isAllocatorError(e: unknown, code?: AllocatorErrorCode): e is AllocatorError {
  return e instanceof AllocatorError && (code === undefined || e.code === code);
}
