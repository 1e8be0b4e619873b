/**
 * Client-side request throttling (kube-controller-manager's --kube-api-qps and
 * --kube-api-burst; client-go's flowcontrol token bucket): each request reserves a token and
 * waits until it is due. Watches count once, when they are opened.
 */
import type { Clock } from './clock.js';
import type { RequestThrottle } from './http-client.js';
import { BucketRateLimiter } from './rate-limiter.js';

/**
 * A token-bucket RequestThrottle on an injected clock. A wait ends early, rejecting with the
 * signal's reason, when the caller's AbortSignal aborts (client-go's tryThrottle returns the
 * context's error). Deviation: the aborted wait keeps its token, where golang.org/x/time/rate's
 * Wait cancels the reservation; aborts happen at shutdown or at a deadline, where it is moot.
 */
export function tokenBucketThrottle(qps: number, burst: number, clock: Clock): RequestThrottle {
  const bucket = new BucketRateLimiter<string>(qps, burst, clock);
  return {
    acquire(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const waitMs = bucket.when('');
      if (waitMs <= 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          timer.cancel();
          reject(signal?.reason);
        };
        const timer = clock.setTimer(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, waitMs);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
