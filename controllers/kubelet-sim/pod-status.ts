/**
 * The status the simulated kubelet posts for a pod, and whether the posted one differs. Pure:
 * the controller decides readiness and hands in the IPs and the time.
 *
 * A running pod, as the kubelet reports it (pkg/kubelet/status/generate.go and
 * kubelet_pods.go, generateAPIPodStatus): phase Running, hostIP(s), podIP(s) in the order of the
 * cluster's families, startTime, one running containerStatus per container, and the conditions
 * PodScheduled, Initialized, ContainersReady and Ready; the last two follow readiness.
 */
import type { Pod, PodCondition } from '../../api-types/core.js';
import { SimulateReadyAnnotation } from './options.js';

/** Pod status as the simulation writes it (the wire shape allows more fields). */
export type PodStatus = NonNullable<Pod['status']>;

/** What the controller decided for a pod. */
export interface PodStatusInput {
  /** Pod IPs, primary family first. */
  ips: string[];
  /** The node's InternalIPs, primary family first. */
  hostIPs: string[];
  ready: boolean;
  /** RFC 3339 "now" for new transitions and startTime. */
  nowIso: string;
}

/**
 * Reads the demo override: `svcplane.io/simulate-ready: "false"` → false, `"true"` → true,
 * anything else (or none) → undefined (readiness follows the delay).
 */
export function readyOverride(pod: Pod): boolean | undefined {
  const v = pod.metadata.annotations?.[SimulateReadyAnnotation];
  if (v === 'false') return false;
  if (v === 'true') return true;
  return undefined;
}

/** Whether the pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function condition(old: PodCondition[] | undefined, type: string, value: boolean, nowIso: string): PodCondition {
  const status = value ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  const lastTransitionTime = prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso;
  const c: PodCondition = { type, status, lastProbeTime: null, lastTransitionTime };
  if (!value && (type === 'Ready' || type === 'ContainersReady')) {
    c.reason = 'ContainersNotReady';
    c.message = 'containers with unready status: [simulated]';
  }
  return c;
}

/** The status to post for a running pod; keeps transition times of conditions that did not change. */
export function runningPodStatus(pod: Pod, input: PodStatusInput): PodStatus {
  const old = pod.status;
  const startedAt = typeof old?.startTime === 'string' ? old.startTime : input.nowIso;
  const conditions = [
    condition(old?.conditions, 'PodScheduled', true, input.nowIso),
    condition(old?.conditions, 'Initialized', true, input.nowIso),
    condition(old?.conditions, 'ContainersReady', input.ready, input.nowIso),
    condition(old?.conditions, 'Ready', input.ready, input.nowIso),
  ];
  const containerStatuses = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    containerID: `sim://${pod.metadata.uid ?? ''}/${c.name}`,
    ready: input.ready,
    started: true,
    restartCount: 0,
    state: { running: { startedAt } },
  }));
  const status: PodStatus = {
    ...(old ?? {}),
    phase: 'Running',
    conditions,
    startTime: startedAt,
    containerStatuses,
  };
  if (input.hostIPs.length > 0) {
    status.hostIP = input.hostIPs[0];
    status.hostIPs = input.hostIPs.map((ip) => ({ ip }));
  }
  if (input.ips.length > 0) {
    status.podIP = input.ips[0];
    status.podIPs = input.ips.map((ip) => ({ ip }));
  }
  return status;
}

/** The status of a terminating pod: its Ready and ContainersReady conditions False, the rest kept. */
export function terminatingPodStatus(pod: Pod, nowIso: string): PodStatus {
  const old = pod.status ?? {};
  const conditions = (old.conditions ?? []).filter((c) => c.type !== 'Ready' && c.type !== 'ContainersReady');
  conditions.push(condition(old.conditions, 'ContainersReady', false, nowIso), condition(old.conditions, 'Ready', false, nowIso));
  const containerStatuses = Array.isArray(old.containerStatuses)
    ? (old.containerStatuses as Record<string, unknown>[]).map((c) => ({ ...c, ready: false }))
    : undefined;
  const status: PodStatus = { ...old, conditions };
  if (containerStatuses) status.containerStatuses = containerStatuses;
  return status;
}

function summary(s: PodStatus | undefined): string {
  return JSON.stringify({
    phase: s?.phase,
    podIP: s?.podIP,
    podIPs: s?.podIPs?.map((p) => p.ip),
    hostIP: s?.hostIP,
    conditions: (s?.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort(),
    containers: Array.isArray(s?.containerStatuses) ? (s.containerStatuses as { name?: string; ready?: boolean }[]).map((c) => `${c.name}:${c.ready}`) : [],
  });
}

/** True when `want` differs from the posted status in what the simulation manages (so a write is due). */
export function statusDiffers(posted: PodStatus | undefined, want: PodStatus): boolean {
  return summary(posted) !== summary(want);
}
