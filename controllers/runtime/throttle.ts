/**
 * Client-side request throttling (kube-controller-manager's --kube-api-qps and
 * --kube-api-burst; client-go's flowcontrol token bucket): each request reserves a token and
 * waits until it is due. Watches count once, when they are opened.
 */
import type { Clock } from './clock.js';
import type { RequestThrottle } from './http-client.js';
import { BucketRateLimiter } from './rate-limiter.js';

/** A token-bucket RequestThrottle on an injected clock. */
export function tokenBucketThrottle(qps: number, burst: number, clock: Clock): RequestThrottle {
  const bucket = new BucketRateLimiter<string>(qps, burst, clock);
  return {
    acquire(): Promise<void> {
      const waitMs = bucket.when('');
      if (waitMs <= 0) return Promise.resolve();
      return new Promise((resolve) => clock.setTimer(resolve, waitMs));
    },
  };
}
