/**
 * Whether the server serves a resource, asked before a controller takes its informer: an
 * informer for a resource that is not served (or not readable) never syncs, and the manager
 * waits for every informer before any controller runs.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api-types/meta.js';
import type { Clock } from './clock.js';
import type { ResourceClient } from './kube-client.js';

/** What a probe found. */
export type ProbeResult = 'served' | 'absent' | 'stopped';

/** Options of {@link probeResource}. */
export interface ProbeOptions {
  /** The kind, for the log line of a failed probe. */
  kind: string;
  /** Whether a failure means the resource is absent (a 404, or also a 403). */
  isAbsent: (err: unknown) => boolean;
  clock: Clock;
  log: Logger;
  /** Whether the controller stopped meanwhile (checked after each wait). */
  isStopped: () => boolean;
}

/**
 * Lists one object until the server answers: 'served'; 'absent' when the failure says so;
 * 'stopped' when the controller stopped meanwhile. Other failures are retried with backoff
 * (0.5 s doubling to 30 s), so a server that is down is not taken for one without the resource,
 * and the controller does not stay silent for ever.
 */
export async function probeResource(client: ResourceClient<KubeObject>, o: ProbeOptions): Promise<ProbeResult> {
  for (let delayMs = 500; ; delayMs = Math.min(delayMs * 2, 30_000)) {
    try {
      await client.list({ limit: 1 });
      return 'served';
    } catch (err) {
      if (o.isAbsent(err)) return 'absent';
      o.log.warn({ err, retryInMs: delayMs }, `probing ${o.kind} failed; retrying`);
      await new Promise<void>((resolve) => o.clock.setTimer(resolve, delayMs));
      if (o.isStopped()) return 'stopped';
    }
  }
}
