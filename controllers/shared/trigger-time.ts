/**
 * The last-change trigger time shared by the Endpoints and EndpointSlice controllers
 * (../shared/reference/kubernetes-behaviour.md §4.5). Ported from
 * `staging/src/k8s.io/endpointslice/util/trigger_time_tracker.go`. A pure data structure: no
 * clock, no I/O; the controller owns one and calls it once per sync.
 */
import type { Pod, Service } from '../../api-types/core.js';
import { podReadyTransitionTime } from './pod.js';

interface ServiceState {
  serviceTime: number;
  podTimes: Map<string, number>;
}

function parseTime(s: string | undefined): number {
  if (!s) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(s);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * Remembers, per Service, the Service's creationTimestamp and each pod's Ready transition
 * time, to tell which change triggered a sync.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /**
   * Computes the trigger time of this sync and records the new state: the Service's
   * creationTimestamp when the Service is new to the tracker; otherwise the earliest of the
   * times that moved forward since the last call (pod Ready transitions, a re-created
   * Service); undefined when nothing moved (the annotation is then removed on the next write).
   * Returns the input text of the chosen timestamp (RFC 3339).
   */
  computeTriggerTime(service: Service, pods: readonly Pod[]): string | undefined {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const old = this.states.get(key);
    const next: ServiceState = { serviceTime: parseTime(service.metadata.creationTimestamp), podTimes: new Map() };
    let min = Number.POSITIVE_INFINITY;
    let minText: string | undefined;
    const consider = (t: number, text: string | undefined): void => {
      if (t < min) {
        min = t;
        minText = text;
      }
    };
    for (const pod of pods) {
      const text = podReadyTransitionTime(pod);
      const t = parseTime(text);
      next.podTimes.set(pod.metadata.name ?? '', t);
      if (t > (old?.podTimes.get(pod.metadata.name ?? '') ?? Number.NEGATIVE_INFINITY)) consider(t, text);
    }
    if (next.serviceTime > (old?.serviceTime ?? Number.NEGATIVE_INFINITY)) consider(next.serviceTime, service.metadata.creationTimestamp);
    this.states.set(key, next);
    if (!old) return service.metadata.creationTimestamp || undefined;
    return minText;
  }

  /** Forgets a deleted Service. */
  deleteService(namespace: string, name: string): void {
    this.states.delete(`${namespace}/${name}`);
  }
}
