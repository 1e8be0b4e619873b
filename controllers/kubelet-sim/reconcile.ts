/**
 * What the simulated kubelet should do with one pod, decided from a snapshot (the pod, the time,
 * when the simulation first saw it running or terminating). Pure: no client, no clock, no
 * allocation; the controller fetches, allocates IPs and writes.
 */
import type { Pod } from '../../api-types/core.js';
import { isPodReady, readyOverride, runningPodStatus, statusDiffers, terminatingPodStatus, type PodStatus } from './pod-status.js';

/** Where a pod stands for the simulation. */
export type PodStage =
  /** Succeeded or Failed: nothing to run; its IPs go back. */
  | 'terminal'
  /** Has a deletionTimestamp on one of our nodes: shut it down. */
  | 'terminating'
  /** No node yet: bind it. */
  | 'unbound'
  /** On a node this simulation does not run: some other kubelet's business. */
  | 'foreign'
  /** On one of our nodes: keep it running. */
  | 'running';

/** The grace period the API server gives a pod delete without one (DefaultTerminationGracePeriodSeconds). */
export const DEFAULT_GRACE_SECONDS = 30;

/** Classifies a pod; `isOwnNode` tells the simulation's nodes apart. */
export function podStage(pod: Pod, isOwnNode: (name: string) => boolean): PodStage {
  const node = pod.spec?.nodeName;
  if (node && !isOwnNode(node)) return 'foreign';
  if (pod.metadata.deletionTimestamp) return node ? 'terminating' : 'terminal';
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 'terminal';
  return node ? 'running' : 'unbound';
}

/** What to write and when to look again. */
export interface PodPlan {
  /** The status to post, when it differs from the pod's. */
  status?: PodStatus;
  /** Delete now (grace period 0). */
  forceDelete?: boolean;
  /** Look at the pod again after this long. */
  requeueAfterMs?: number;
}

/** Inputs of planRunning. */
export interface RunningSnapshot {
  pod: Pod;
  /** The pod's IPs, primary family first (already allocated). */
  ips: string[];
  /** Its node's InternalIPs. */
  hostIPs: string[];
  nowMs: number;
  /** When the simulation started the pod. */
  runningSinceMs: number;
  readyDelayMs: number;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * A running pod: Running with its IPs; Ready once it has run readyDelayMs, unless the
 * simulate-ready annotation decides. Requeues for the readiness deadline while it waits.
 */
export function planRunning(s: RunningSnapshot): PodPlan {
  const override = readyOverride(s.pod);
  const dueMs = s.runningSinceMs + s.readyDelayMs;
  const ready = override ?? s.nowMs >= dueMs;
  const want = runningPodStatus(s.pod, { ips: s.ips, hostIPs: s.hostIPs, ready, nowIso: isoSeconds(s.nowMs) });
  const plan: PodPlan = {};
  if (statusDiffers(s.pod.status, want)) plan.status = want;
  if (override === undefined && !ready) plan.requeueAfterMs = dueMs - s.nowMs;
  return plan;
}

/** Inputs of planTermination. */
export interface TerminatingSnapshot {
  pod: Pod;
  nowMs: number;
  /** When the simulation first saw the pod terminating. */
  terminatingSinceMs: number;
  /** The simulated shutdown. */
  shutdownMs: number;
}

/**
 * A terminating pod: not ready at once; deleted for good once min(its grace period, the
 * simulated shutdown) has passed since the simulation first saw it terminating.
 */
export function planTermination(s: TerminatingSnapshot): PodPlan {
  const plan: PodPlan = {};
  const containersReady = s.pod.status?.conditions?.some((c) => c.type === 'ContainersReady' && c.status === 'True') ?? false;
  if (isPodReady(s.pod) || containersReady) plan.status = terminatingPodStatus(s.pod, isoSeconds(s.nowMs));
  const graceMs = (s.pod.metadata.deletionGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
  const remainingMs = s.terminatingSinceMs + Math.min(graceMs, s.shutdownMs) - s.nowMs;
  if (remainingMs > 0) plan.requeueAfterMs = remainingMs;
  else plan.forceDelete = true;
  return plan;
}
