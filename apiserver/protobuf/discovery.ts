/**
 * Protobuf schema of discovery.k8s.io/v1 EndpointSlice and its parts. The format is in schema.ts;
 * the field numbers are Kubernetes' (k8s.io/api/discovery/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'discovery.EndpointSlice': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['endpoints', '[]discovery.Endpoint'],
    3: ['ports', '[]discovery.EndpointPort'],
    4: ['addressType', 'string'],
  },
  'discovery.Endpoint': {
    1: ['addresses', '[]string'],
    2: ['conditions', 'discovery.EndpointConditions'],
    3: ['hostname', '*string'],
    4: ['targetRef', 'core.ObjectReference'],
    5: ['deprecatedTopology', 'map<string>'],
    6: ['nodeName', '*string'],
    7: ['zone', '*string'],
    8: ['hints', 'discovery.EndpointHints'],
  },
  'discovery.EndpointConditions': { 1: ['ready', '*bool'], 2: ['serving', '*bool'], 3: ['terminating', '*bool'] },
  'discovery.EndpointHints': { 1: ['forZones', '[]discovery.ForZone'], 2: ['forNodes', '[]discovery.ForNode'] },
  'discovery.ForZone': { 1: ['name', 'string'] },
  'discovery.ForNode': { 1: ['name', 'string'] },
  'discovery.EndpointPort': {
    1: ['name', '*string'],
    2: ['protocol', '*string'],
    3: ['port', '*int32'],
    4: ['appProtocol', '*string'],
  },
};

export const kinds: KindTable = {
  'discovery.k8s.io/v1': { EndpointSlice: 'discovery.EndpointSlice' },
};
