/**
 * Typed failures of the EndpointSlice controllers (the EndpointSlice controller and the mirroring
 * controller, which shares its apply layer). Callers match on `code`, never on the message; the
 * messages use Kubernetes' words for the same failures.
 */

/** Base class of the EndpointSlice controllers' errors. */
export abstract class EndpointSliceControllerError extends Error {
  /** Stable code callers match on. */
  abstract readonly code: string;
}

/**
 * The slice cache is older than this controller's own writes (the tracker's `staleSlices`): the
 * sync is given up and retried with rate limiting. Kubernetes returns its stale-informer-cache
 * error in the same place (`pkg/controller/endpointslice/endpointslice_controller.go` and
 * `pkg/controller/endpointslicemirroring/endpointslicemirroring_controller.go`, both
 * `NewStaleInformerCache("EndpointSlice informer cache is out of date")`).
 */
export class StaleSliceCacheError extends EndpointSliceControllerError {
  /** Stable code callers match on; the metric label `stale` is decided on it. */
  readonly code = 'StaleInformerCache' as const;

  /** Names the Service (or Endpoints) key whose slices were listed. */
  constructor(readonly key: string) {
    super(`EndpointSlice informer cache is out of date (Service ${key})`);
    this.name = 'StaleSliceCacheError';
  }
}

/** The object the slices belong to, as Kubernetes' write errors name it. */
export interface SliceOwnerRef {
  /** `Service` for the EndpointSlice controller, `Endpoints` for the mirroring controller. */
  kind: 'Service' | 'Endpoints';
  /** `namespace/name`. */
  key: string;
}

/**
 * One create, update or delete of a slice failed. The message is Kubernetes' (`reconciler.go`
 * `finalize`, in `staging/src/k8s.io/endpointslice` and `pkg/controller/endpointslicemirroring`):
 * `failed to create EndpointSlice for Service ns/n: <err>`, `failed to update <name> EndpointSlice
 * for Service ns/n: <err>`, `failed to delete <name> EndpointSlice for Service ns/n: <err>`.
 */
export class SliceWriteError extends EndpointSliceControllerError {
  /** Stable code callers match on. */
  readonly code = 'SliceWriteFailed' as const;

  /**
   * @param verb the write that failed
   * @param sliceName the slice's name (none for a create: it has only a generateName)
   * @param owner what the slices belong to
   * @param cause the client's error, kept as `cause`
   */
  constructor(
    readonly verb: 'create' | 'update' | 'delete',
    readonly sliceName: string | undefined,
    readonly owner: SliceOwnerRef,
    cause: unknown,
  ) {
    const what = verb === 'create' ? 'EndpointSlice' : `${sliceName ?? ''} EndpointSlice`;
    super(`failed to ${verb} ${what} for ${owner.kind} ${owner.key}: ${messageOf(cause)}`, { cause });
    this.name = 'SliceWriteError';
  }
}

/**
 * A sync ended with problems (pods skipped for a missing node) and perhaps a failed write: the
 * plan was applied as far as it went, and the sync is retried with backoff. The message is the
 * aggregate of the parts' messages ({@link aggregateMessages}), as Kubernetes' `Reconcile`
 * returns `utilerrors.NewAggregate(errs)`.
 */
export class SliceSyncError extends EndpointSliceControllerError {
  /** Stable code callers match on. */
  readonly code = 'SliceSyncFailed' as const;

  /**
   * @param messages the parts, in the order they arose (duplicates allowed: they are dropped)
   * @param cause the failed write's error, if one is among them (the worker pool reads a
   *   server's Retry-After from it)
   */
  constructor(readonly messages: readonly string[], cause?: unknown) {
    super(aggregateMessages(messages), cause === undefined ? undefined : { cause });
    this.name = 'SliceSyncError';
  }
}

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Prints a list of error messages as apimachinery's `utilerrors.NewAggregate(errs).Error()`
 * (`staging/src/k8s.io/apimachinery/pkg/util/errors/errors.go`, `aggregate.Error`, 0.33): each
 * message once, in first-seen order (a repeated message is dropped); one message prints as
 * itself, several as `[a, b, c]`. Nested aggregates are flattened there, which a flat list
 * already is. Empty for no messages (Kubernetes then has no error at all).
 */
export function aggregateMessages(messages: readonly string[]): string {
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0] : seen.length === 0 ? '' : `[${seen.join(', ')}]`;
}
