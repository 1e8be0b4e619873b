/**
 * The nodeport controller's public API: the factory the command wires from flags, and the pure
 * pieces tests and other controllers may reuse.
 */
import { Defaults } from '../../api-types/well-known.js';
import { parseNodePortRange } from '../../allocators/node-port-range.js';
import type { RandomSource } from '../../allocators/random.js';
import type { Clock } from '../runtime/clock.js';
import type { RateLimiter } from '../runtime/rate-limiter.js';
import { NodePortController } from './controller.js';

export { NodePortController } from './controller.js';
export { PortMapStore } from './apply.js';
export { NodePortError, type NodePortErrorCode } from './errors.js';
export { decodePortMap, encodePortMap, PortMapState, PortMapKeys, type PortOwner } from './port-map.js';
export { planNodePorts, assignNodePorts, isReleasable, needsNodePorts, needsHealthCheck, shouldAllocateNodePorts } from './reconcile.js';
export { repairPortMap, collectServiceNodePorts, dueLeakCandidates, isLeakConfirmed, type LeakCandidate } from './repair.js';

/**
 * The name of the port map ConfigMap (not a flag). The Role in
 * manifests/overlays/allocators/role.yaml grants get and update on it by this name.
 */
export const defaultPortMapName = 'svcplane-nodeports';

/** Options of createNodePortController. */
export interface NodePortControllerOptions {
  /** The `--service-node-port-range` value. @default '30000-32767' */
  serviceNodePortRange?: string;
  /** The namespace of the port map ConfigMap. @default 'kube-system' */
  namespace?: string;
  /** The port map ConfigMap's name. @default 'svcplane-nodeports' */
  configMapName?: string;
  /** How often the repair pass runs (Kubernetes' IPRepairInterval). @default 180000 */
  repairIntervalMs?: number;
  /** How long an unexplained allocated port waits before the repair frees it. @default 60000 */
  leakGracePeriodMs?: number;
  /** Delay of the repair pass a Service deletion triggers (coalesces bursts). @default 1000 */
  repairAfterDeleteMs?: number;
  /** Workers: keys reconciled at once. They mostly wait on the shared CAS write, and their number bounds how many claims one write carries (2,000 claims: 10 writes at 200, 40 at 50). @default 200 */
  concurrency?: number;
  /** Service update conflicts re-read and retried within one sync. @default 5 */
  maxConflictRetries?: number;
  /** Randomness of automatic allocation. @default systemRandom */
  random?: RandomSource;
  /** The work queue's rate limiter. @default defaultControllerRateLimiter */
  rateLimiter?: (clock: Clock) => RateLimiter<string>;
}

const positive = (flag: string, v: number): number => {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${flag}: expected a positive number of milliseconds, got ${v}`);
  return v;
};

/**
 * Creates the nodeport controller. Throws a TypeError or RangeError naming the flag when an
 * option is invalid (`--service-node-port-range`, `--concurrent-nodeport-syncs`, ...).
 */
export function createNodePortController(options: NodePortControllerOptions = {}): NodePortController {
  const range = parseNodePortRange(options.serviceNodePortRange ?? Defaults.serviceNodePortRange);
  const concurrency = options.concurrency ?? Defaults.concurrentNodePortSyncs;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`--concurrent-nodeport-syncs: expected an integer >= 1, got ${concurrency}`);
  const maxConflictRetries = options.maxConflictRetries ?? 5;
  if (!Number.isInteger(maxConflictRetries) || maxConflictRetries < 0) throw new RangeError(`maxConflictRetries: expected an integer >= 0, got ${maxConflictRetries}`);
  return new NodePortController({
    range,
    namespace: options.namespace ?? 'kube-system',
    configMapName: options.configMapName ?? defaultPortMapName,
    repairIntervalMs: positive('--nodeport-repair-interval', options.repairIntervalMs ?? 180_000),
    leakGracePeriodMs: positive('--nodeport-leak-grace-period', options.leakGracePeriodMs ?? 60_000),
    repairAfterDeleteMs: positive('repairAfterDeleteMs', options.repairAfterDeleteMs ?? 1000),
    concurrency,
    maxConflictRetries,
    random: options.random,
    rateLimiter: options.rateLimiter,
  });
}
