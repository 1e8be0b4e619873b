/**
 * Protobuf schema of events.k8s.io/v1 Event; its object references and deprecated source are the
 * core/v1 messages. The format is in schema.ts; the field numbers are Kubernetes' (k8s.io/api/events/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'events.Event': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['eventTime', 'meta.MicroTime'],
    3: ['series', 'events.EventSeries'],
    4: ['reportingController', 'string'],
    5: ['reportingInstance', 'string'],
    6: ['action', 'string'],
    7: ['reason', 'string'],
    8: ['regarding', 'core.ObjectReference'],
    9: ['related', 'core.ObjectReference'],
    10: ['note', 'string'],
    11: ['type', 'string'],
    12: ['deprecatedSource', 'core.EventSource'],
    13: ['deprecatedFirstTimestamp', 'meta.Time'],
    14: ['deprecatedLastTimestamp', 'meta.Time'],
    15: ['deprecatedCount', 'int32'],
  },
  'events.EventSeries': { 1: ['count', 'int32'], 2: ['lastObservedTime', 'meta.MicroTime'] },
};

export const kinds: KindTable = {
  'events.k8s.io/v1': { Event: 'events.Event' },
};
