/**
 * Typed failures of the ServiceCIDR controller. Callers match on `code`, never on the message.
 * The client's error is kept as `cause` (the worker pool honours a Retry-After found there).
 */

/** Base class of the ServiceCIDR controller's errors. */
export abstract class ServiceCIDRControllerError extends Error {
  /** Stable code callers match on. */
  abstract readonly code: string;
}

/** The writes the controller makes. */
export type ServiceCIDRWrite = 'add-finalizer' | 'remove-finalizer' | 'apply-status';

const described: Record<ServiceCIDRWrite, string> = {
  'add-finalizer': 'adding the finalizer to',
  'remove-finalizer': 'removing the finalizer from',
  'apply-status': 'applying the Ready condition of',
};

/** One write to a ServiceCIDR failed; the sync is retried with rate limiting. */
export class ServiceCIDRWriteError extends ServiceCIDRControllerError {
  /** Stable code callers match on. */
  readonly code = 'ServiceCIDRWriteFailed' as const;

  /**
   * @param write the write that failed
   * @param serviceCIDR the ServiceCIDR's name
   * @param cause the client's error
   */
  constructor(
    readonly write: ServiceCIDRWrite,
    readonly serviceCIDR: string,
    cause: unknown,
  ) {
    super(`${described[write]} ServiceCIDR ${serviceCIDR}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ServiceCIDRWriteError';
  }
}
