/**
 * Event validation for core/v1 and events.k8s.io/v1 (pkg/apis/core/validation/events.go
 * ValidateEventCreate/ValidateEventUpdate). Both versions map onto one internal shape, so the
 * legacy rules report internal field names (involvedObject, message) for both, as upstream does;
 * the events.k8s.io-only rules use that version's names (reportingController, deprecated*).
 */
import type { ObjectReference } from '../../api-types/core.js';
import type { KubeObject } from '../../api-types/meta.js';
import { type FieldCause, FieldPath, immutable, invalid, required } from './field.js';
import { str, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from './names.js';

const reportingInstanceLengthLimit = 128;
const actionLengthLimit = 128;
const reasonLengthLimit = 128;
const noteLengthLimit = 1024;

/** The internal (core.Event) view both wire versions map onto. */
interface InternalEvent {
  namespace: string;
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: unknown;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  count: unknown;
  type: string;
  eventTime: unknown;
  series: { count?: number; lastObservedTime?: string } | undefined;
  action: string;
  related: unknown;
  reportingController: string;
  reportingInstance: string;
}

function toInternal(obj: KubeObject, isEventsV1: boolean): InternalEvent {
  const o = obj as Record<string, unknown>;
  const pick = (v1Name: string, eventsName: string): unknown => (isEventsV1 ? o[eventsName] : o[v1Name]);
  return {
    namespace: obj.metadata?.namespace ?? '',
    involvedObject: (pick('involvedObject', 'regarding') ?? {}) as ObjectReference,
    reason: str(o.reason),
    message: str(pick('message', 'note')),
    source: pick('source', 'deprecatedSource'),
    firstTimestamp: pick('firstTimestamp', 'deprecatedFirstTimestamp'),
    lastTimestamp: pick('lastTimestamp', 'deprecatedLastTimestamp'),
    count: pick('count', 'deprecatedCount'),
    type: str(o.type),
    eventTime: o.eventTime,
    series: o.series as InternalEvent['series'],
    action: str(o.action),
    related: o.related,
    reportingController: str(pick('reportingComponent', 'reportingController')),
    reportingInstance: str(o.reportingInstance),
  };
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** Validates an Event of either version on create or update; `isEventsV1` selects events.k8s.io/v1. */
export function validateEvent(obj: KubeObject, old: KubeObject | undefined, isEventsV1: boolean): FieldCause[] {
  const ev = toInternal(obj, isEventsV1);
  const errs = legacyValidate(ev, isEventsV1);
  // core/v1 Events keep their historical leniency: only the legacy rules apply.
  if (!isEventsV1) {
    if (old) errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    if (!obj.metadata?.name && !obj.metadata?.generateName) errs.push(required(FieldPath.root('metadata', 'name'), 'name or generateName is required'));
    return errs;
  }
  if (!old) {
    errs.push(...validateObjectMeta(obj.metadata, { namespaced: true, validateName: nameIsDNSSubdomain }));
    errs.push(...validateSeries(ev));
    if (!isSet(ev.eventTime)) errs.push(required(FieldPath.root('eventTime')));
    if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalid(FieldPath.root('type'), '', `has invalid value: ${ev.type}`));
    for (const [v, name] of [[ev.firstTimestamp, 'deprecatedFirstTimestamp'], [ev.lastTimestamp, 'deprecatedLastTimestamp']] as const) {
      if (isSet(v)) errs.push(invalid(FieldPath.root(name), '', 'needs to be unset'));
    }
    if (typeof ev.count === 'number' && ev.count !== 0) errs.push(invalid(FieldPath.root('deprecatedCount'), '', 'needs to be unset'));
    const src = (ev.source ?? {}) as { component?: string; host?: string };
    if (src.component || src.host) errs.push(invalid(FieldPath.root('deprecatedSource'), '', 'needs to be unset'));
    return errs;
  }
  const prev = toInternal(old, true);
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  if (JSON.stringify(ev.series) !== JSON.stringify(prev.series)) errs.push(...validateSeries(ev));
  const fixed: [keyof InternalEvent, string][] = [
    ['involvedObject', 'involvedObject'], ['reason', 'reason'], ['message', 'message'], ['source', 'source'],
    ['firstTimestamp', 'firstTimestamp'], ['lastTimestamp', 'lastTimestamp'], ['count', 'count'], ['type', 'type'],
    ['eventTime', 'eventTime'], ['action', 'action'], ['related', 'related'],
    ['reportingController', 'reportingController'], ['reportingInstance', 'reportingInstance'],
  ];
  for (const [key, name] of fixed) errs.push(...immutable(FieldPath.root(name), ev[key] ?? null, prev[key] ?? null));
  return errs;
}

function legacyValidate(ev: InternalEvent, isEventsV1: boolean): FieldCause[] {
  const errs: FieldCause[] = [];
  const nsPath = FieldPath.root('involvedObject', 'namespace');
  const involvedNs = ev.involvedObject.namespace ?? '';
  const controllerField = isEventsV1 ? 'reportingController' : 'reportingComponent';
  if (!isSet(ev.eventTime)) {
    // Old-style events: the event lives in its object's namespace ("default" for cluster-scoped).
    if (involvedNs === '') {
      if (ev.namespace !== '' && ev.namespace !== 'default') errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    } else if (ev.namespace !== involvedNs) {
      errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (involvedNs === '' && ev.namespace !== 'default' && ev.namespace !== 'kube-system') {
      errs.push(invalid(nsPath, involvedNs, 'does not match event.namespace'));
    }
    if (ev.reportingController === '') errs.push(required(FieldPath.root(controllerField)));
    for (const m of isQualifiedName(ev.reportingController)) errs.push(invalid(FieldPath.root(controllerField), ev.reportingController, m));
    errs.push(...lengthRules(ev.reportingInstance, 'reportingInstance', reportingInstanceLengthLimit, true));
    errs.push(...lengthRules(ev.action, 'action', actionLengthLimit, true));
    errs.push(...lengthRules(ev.reason, 'reason', reasonLengthLimit, true));
    errs.push(...lengthRules(ev.message, 'message', noteLengthLimit, false));
  }
  for (const m of isDNS1123Subdomain(ev.namespace)) errs.push(invalid(FieldPath.root('namespace'), ev.namespace, m));
  return errs;
}

function lengthRules(value: string, name: string, limit: number, isRequired: boolean): FieldCause[] {
  const errs: FieldCause[] = [];
  if (isRequired && value === '') errs.push(required(FieldPath.root(name)));
  if (value.length > limit) errs.push(invalid(FieldPath.root(name), '', `can have at most ${limit} characters`));
  return errs;
}

function validateSeries(ev: InternalEvent): FieldCause[] {
  if (!ev.series) return [];
  const errs: FieldCause[] = [];
  if (!(typeof ev.series.count === 'number' && ev.series.count >= 2)) errs.push(invalid(FieldPath.root('series.count'), '', 'should be at least 2'));
  if (!isSet(ev.series.lastObservedTime)) errs.push(required(FieldPath.root('series.lastObservedTime')));
  return errs;
}
