/**
 * The last-change trigger time shared by the Endpoints and EndpointSlice controllers
 * (../shared/reference/kubernetes-behaviour.md §4.5). Ported from
 * `staging/src/k8s.io/endpointslice/util/trigger_time_tracker.go`. A pure data structure: no
 * clock, no I/O; the controller owns one and calls it once per sync.
 */
import type { Pod, Service } from '../../api-types/core.js';
import { replacedInPlace } from './pod-changes.js';
import { podReadyTransitionTime } from './pod.js';

interface ServiceState {
  serviceTime: number;
  /** The pods of the last call and their Ready transition times, position by position. */
  pods: readonly Pod[];
  times: Float64Array;
}

// The last text parsed: both endpoint controllers parse the same pod's time for one event.
let lastText = '';
let lastTime = Number.NEGATIVE_INFINITY;

function parseTime(s: string | undefined): number {
  if (!s) return Number.NEGATIVE_INFINITY;
  if (s === lastText) return lastTime;
  const t = Date.parse(s);
  lastText = s;
  lastTime = Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  return lastTime;
}

/**
 * Remembers, per Service, the Service's creationTimestamp and each pod's Ready transition
 * time, to tell which change triggered a sync.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();
  /** The last Service object asked about and its key: a sync asks about the same one again. */
  private lastService: Service | undefined;
  private lastKey = '';

  /**
   * Computes the trigger time of this sync and records the new state: the Service's
   * creationTimestamp when the Service is new to the tracker; otherwise the earliest of the
   * times that moved forward since the last call (pod Ready transitions, a re-created
   * Service); undefined when nothing moved (the annotation is then removed on the next write).
   * Returns the input text of the chosen timestamp (RFC 3339).
   */
  computeTriggerTime(service: Service, pods: readonly Pod[]): string | undefined {
    if (service !== this.lastService) {
      this.lastService = service;
      this.lastKey = `${service.metadata.namespace}/${service.metadata.name}`;
    }
    const key = this.lastKey;
    const old = this.states.get(key);
    const serviceTime = parseTime(service.metadata.creationTimestamp);
    let min = Number.POSITIVE_INFINITY;
    let minText: string | undefined;
    // Pods are immutable cache objects: one still at its position kept its time, so only the
    // replaced ones are read. When every position holds the same pod name as before, the
    // times are updated in place; otherwise earlier times are found by name.
    const replaced = old ? replacedInPlace(old.pods, pods) : undefined;
    let times: Float64Array;
    if (replaced) {
      times = old!.times;
      for (const i of replaced) {
        const text = podReadyTransitionTime(pods[i]);
        const t = parseTime(text);
        if (t > times[i] && t < min) {
          min = t;
          minText = text;
        }
        times[i] = t;
      }
    } else {
      times = new Float64Array(pods.length);
      const before = old ? timesByName(old) : undefined;
      for (let i = 0; i < pods.length; i++) {
        const text = podReadyTransitionTime(pods[i]);
        const t = parseTime(text);
        times[i] = t;
        if (t > (before?.get(pods[i].metadata.name ?? '') ?? Number.NEGATIVE_INFINITY) && t < min) {
          min = t;
          minText = text;
        }
      }
    }
    if (serviceTime > (old?.serviceTime ?? Number.NEGATIVE_INFINITY) && serviceTime < min) minText = service.metadata.creationTimestamp;
    if (!old) {
      this.states.set(key, { serviceTime, pods, times });
      return service.metadata.creationTimestamp || undefined;
    }
    // The state is the tracker's own: updated in place rather than replaced on every sync.
    old.serviceTime = serviceTime;
    old.pods = pods;
    old.times = times;
    return minText;
  }

  /** Forgets a deleted Service. */
  deleteService(namespace: string, name: string): void {
    this.states.delete(`${namespace}/${name}`);
  }
}

function timesByName(state: ServiceState): Map<string, number> {
  const m = new Map<string, number>();
  state.pods.forEach((p, i) => m.set(p.metadata.name ?? '', state.times[i]));
  return m;
}
