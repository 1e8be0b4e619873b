/**
 * Cutting requests short: the error of a request past its time, the seam of a client whose
 * requests can be bound to an AbortSignal, and racing a promise against one (Go's `select` on a
 * result and `ctx.Done()`). Leader election bounds its Lease requests by the renew deadline with
 * these, and the Manager aborts the controllers' requests when it stops or loses the Lease.
 */
import type { KubeClient } from './kube-client.js';

/**
 * A request that got no complete answer within the client's `requestTimeoutMs` (client-go: the
 * rest.Config Timeout, `Client.Timeout exceeded`), or a Lease request cut at the renew deadline.
 */
export class RequestTimeoutError extends Error {
  /** Stable code callers match on. */
  readonly code = 'RequestTimeout' as const;

  /** @param what the request (`GET /api/v1/...`), @param timeoutMs the limit it exceeded. */
  constructor(what: string, readonly timeoutMs: number) {
    super(`${what}: no answer within ${timeoutMs}ms (Client.Timeout exceeded while awaiting response)`);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * A client that can bind an AbortSignal to every request it makes: a request waiting in the
 * rate limit stops waiting and is never sent, one on the wire is torn down. HttpKubeClient is
 * one; the in-process client (nothing to abort) is not.
 */
export interface SignalScopedClient extends KubeClient {
  /** The same client whose requests and watches all abort with `signal`. */
  withSignal(signal: AbortSignal): KubeClient;
}

/** Reports whether `client` can bind an AbortSignal to its requests. */
export function isSignalScoped(client: KubeClient): client is SignalScopedClient {
  return typeof (client as Partial<SignalScopedClient>).withSignal === 'function';
}

/**
 * Settles as `promise` does, or rejects with `signal.reason` as soon as `signal` aborts (the
 * promise is then left to settle on its own, its outcome ignored). Go's `select` on a result and
 * `ctx.Done()`.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
