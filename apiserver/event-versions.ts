/**
 * core/v1 Events and events.k8s.io/v1 Events are one set of objects seen through two versions:
 * kube-apiserver serves events.k8s.io/v1 from the core event registry
 * (pkg/registry/events/rest/storage_events.go uses pkg/registry/core/event/storage), so an Event
 * written through either version is listed, watched and read through both, with one uid and one
 * resourceVersion. The store keeps each event in both shapes (MemoryStore.commit writes the
 * other version's shape with the same resourceVersion), so each version reads, selects and
 * validates its own field names, and a write through one is seen through the other.
 *
 * The field mapping is pkg/apis/events/v1/conversion.go (Convert_v1_Event_To_core_Event and back)
 * over the generated field-for-field conversion: regarding ↔ involvedObject, note ↔ message,
 * deprecatedSource ↔ source, deprecatedFirstTimestamp / deprecatedLastTimestamp / deprecatedCount
 * ↔ firstTimestamp / lastTimestamp / count, reportingController ↔ reportingComponent; eventTime,
 * series, action, reason, related, type and reportingInstance keep their names. The converted
 * object is written as Go encodes the target type: a struct field without omitempty, or a struct
 * omitempty cannot leave out, is present at its zero (`{}` for a reference or source, `null` for
 * a time, `""` for core's reportingComponent and reportingInstance).
 */
import type { KubeObject } from '../api-types/meta.js';
import { RESOURCES, type ResourceInfo } from './resources.js';

const CORE_EVENTS = RESOURCES.find((r) => r.group === '' && r.resource === 'events') as ResourceInfo;
const EVENTS_V1 = RESOURCES.find((r) => r.group === 'events.k8s.io' && r.resource === 'events') as ResourceInfo;

/** The other version's resource of the same objects (only Events have one), or undefined. */
export function eventTwinOf(r: ResourceInfo): ResourceInfo | undefined {
  if (r === CORE_EVENTS) return EVENTS_V1;
  if (r === EVENTS_V1) return CORE_EVENTS;
  return undefined;
}

/** Whether `r` is the core/v1 Event resource (the canonical one of the pair). */
export function isCoreEvents(r: ResourceInfo): boolean {
  return r === CORE_EVENTS;
}

/**
 * `event`, stored as resource `from`, in the shape of the other version: a new object sharing
 * `event`'s metadata and nested values (callers freeze what they store).
 * @param from the resource `event` was written through: core/v1 or events.k8s.io/v1 events.
 */
export function convertEvent(event: KubeObject, from: ResourceInfo): KubeObject {
  if (from === CORE_EVENTS) return coreToEventsV1(event);
  if (from === EVENTS_V1) return eventsV1ToCore(event);
  throw new TypeError(`convertEvent: expected an Event resource, got ${from.group || 'core'}/${from.resource}`);
}

type Fields = Record<string, unknown>;

// Sets `key` when `value` is not Go's zero for an omitempty field.
function putSet(out: Fields, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== '' && value !== 0) out[key] = value;
}

// events.k8s.io/v1 Event's members in its Go order (k8s.io/api/events/v1 types.go).
function coreToEventsV1(e: Fields): KubeObject {
  const out: Fields = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: e.metadata };
  out.eventTime = e.eventTime ?? null;
  putSet(out, 'series', e.series);
  putSet(out, 'reportingController', e.reportingComponent);
  putSet(out, 'reportingInstance', e.reportingInstance);
  putSet(out, 'action', e.action);
  putSet(out, 'reason', e.reason);
  out.regarding = e.involvedObject ?? {};
  putSet(out, 'related', e.related);
  putSet(out, 'note', e.message);
  putSet(out, 'type', e.type);
  out.deprecatedSource = e.source ?? {};
  out.deprecatedFirstTimestamp = e.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = e.lastTimestamp ?? null;
  putSet(out, 'deprecatedCount', e.count);
  return out as KubeObject;
}

// core/v1 Event's members in its Go order (k8s.io/api/core/v1 types.go).
function eventsV1ToCore(e: Fields): KubeObject {
  const out: Fields = { kind: 'Event', apiVersion: 'v1', metadata: e.metadata };
  out.involvedObject = e.regarding ?? {};
  putSet(out, 'reason', e.reason);
  putSet(out, 'message', e.note);
  out.source = e.deprecatedSource ?? {};
  out.firstTimestamp = e.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = e.deprecatedLastTimestamp ?? null;
  putSet(out, 'count', e.deprecatedCount);
  putSet(out, 'type', e.type);
  out.eventTime = e.eventTime ?? null;
  putSet(out, 'series', e.series);
  putSet(out, 'action', e.action);
  putSet(out, 'related', e.related);
  out.reportingComponent = e.reportingController ?? '';
  out.reportingInstance = e.reportingInstance ?? '';
  return out as KubeObject;
}
