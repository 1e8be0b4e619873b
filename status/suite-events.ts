/**
 * The latest Warning events of the suite: events.k8s.io/v1 Events whose reportingController is
 * one of the suite's controllers, or core/v1 Events whose source component (or
 * reportingComponent) is, where events.k8s.io is not served. Newest first, bounded. Pure.
 */
import type { CoreEvent } from '../api-types/core.js';
import type { EventsV1Event } from '../api-types/networking.js';
import { EndpointEventSources, EventSources, PortEventSources } from '../api-types/well-known.js';
import type { WarningEventRow } from './model.js';

/**
 * The reporting controllers of the suite. The endpoint controllers' names are Kubernetes' own
 * (pkg/controller/endpoint, endpointslice, endpointslicemirroring: the recorder components), so
 * kube-controller-manager's events show here too where it still runs them.
 */
export const suiteControllers: ReadonlySet<string> = new Set([
  EventSources.serviceIPController,
  EventSources.ipAllocatorRepair,
  PortEventSources.nodePortController,
  PortEventSources.portAllocatorRepair,
  EndpointEventSources.endpointsController,
  EndpointEventSources.endpointSliceController,
  EndpointEventSources.endpointSliceMirroringController,
]);

/** How many events the view keeps by default. */
export const defaultMaxEvents = 10;

function timeOf(...candidates: (string | null | undefined)[]): string {
  return candidates.find((c): c is string => typeof c === 'string' && c !== '') ?? '';
}

/** Reads one events.k8s.io/v1 Event as a row, or undefined when it is not a suite Warning. */
function fromEventsV1(e: EventsV1Event): WarningEventRow | undefined {
  if (e.type !== 'Warning' || !suiteControllers.has(e.reportingController ?? '')) return undefined;
  return {
    at: timeOf(e.series?.lastObservedTime, e.eventTime, e.deprecatedLastTimestamp, e.metadata.creationTimestamp),
    namespace: e.metadata.namespace ?? '',
    regarding: `${e.regarding?.kind ?? ''}/${e.regarding?.name ?? ''}`,
    reason: e.reason ?? '',
    controller: e.reportingController ?? '',
    note: e.note ?? '',
    count: e.series?.count ?? e.deprecatedCount ?? 1,
  };
}

/** Reads one core/v1 Event as a row, or undefined when it is not a suite Warning. */
function fromCoreV1(e: CoreEvent): WarningEventRow | undefined {
  const controller = e.reportingComponent || e.source?.component || '';
  if (e.type !== 'Warning' || !suiteControllers.has(controller)) return undefined;
  return {
    at: timeOf(e.series?.lastObservedTime, e.lastTimestamp, e.eventTime, e.firstTimestamp, e.metadata.creationTimestamp),
    namespace: e.metadata.namespace ?? '',
    regarding: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
    reason: e.reason ?? '',
    controller,
    note: e.message ?? '',
    count: e.series?.count ?? e.count ?? 1,
  };
}

/**
 * Returns the suite's Warning events among `events` (of the group `from`), newest first, at most
 * `max` of them. Events with the same time keep a stable order (namespace, then regarding).
 */
export function selectSuiteWarnings(from: 'events.k8s.io/v1' | 'v1', events: readonly (EventsV1Event | CoreEvent)[], max = defaultMaxEvents): WarningEventRow[] {
  const rows: WarningEventRow[] = [];
  for (const e of events) {
    const row = from === 'v1' ? fromCoreV1(e as CoreEvent) : fromEventsV1(e as EventsV1Event);
    if (row) rows.push(row);
  }
  const ms = (r: WarningEventRow) => {
    const t = Date.parse(r.at);
    return Number.isNaN(t) ? -Infinity : t;
  };
  rows.sort((a, b) => ms(b) - ms(a) || a.namespace.localeCompare(b.namespace) || a.regarding.localeCompare(b.regarding) || a.reason.localeCompare(b.reason));
  return rows.slice(0, Math.max(0, max));
}
