/**
 * Protobuf schema of the networking.k8s.io/v1 kinds that allocate service addresses: IPAddress and
 * ServiceCIDR. The format is in schema.ts; the field numbers are Kubernetes' (k8s.io/api/networking/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'networking.IPAddress': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['spec', 'networking.IPAddressSpec'] },
  'networking.IPAddressSpec': { 1: ['parentRef', 'networking.ParentReference'] },
  'networking.ParentReference': {
    1: ['group', 'string'],
    2: ['resource', 'string'],
    3: ['namespace', 'string'],
    4: ['name', 'string'],
  },
  'networking.ServiceCIDR': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'networking.ServiceCIDRSpec'],
    3: ['status', 'networking.ServiceCIDRStatus'],
  },
  'networking.ServiceCIDRSpec': { 1: ['cidrs', '[]string'] },
  'networking.ServiceCIDRStatus': { 1: ['conditions', '[]meta.Condition'] },
};

export const kinds: KindTable = {
  'networking.k8s.io/v1': { IPAddress: 'networking.IPAddress', ServiceCIDR: 'networking.ServiceCIDR' },
};
