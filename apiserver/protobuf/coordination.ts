/**
 * Protobuf schema of coordination.k8s.io/v1 Lease, which leader election and node heartbeats
 * write. The format is in schema.ts; the field numbers are Kubernetes' (k8s.io/api/coordination/v1).
 */
import type { KindTable, MessageTable } from './schema.js';

export const messages: MessageTable = {
  'coordination.Lease': { 1: ['metadata', 'meta.ObjectMeta'], 2: ['spec', 'coordination.LeaseSpec'] },
  'coordination.LeaseSpec': {
    1: ['holderIdentity', '*string'],
    2: ['leaseDurationSeconds', '*int32'],
    3: ['acquireTime', 'meta.MicroTime'],
    4: ['renewTime', 'meta.MicroTime'],
    5: ['leaseTransitions', '*int32'],
    6: ['strategy', '*string'],
    7: ['preferredHolder', '*string'],
  },
};

export const kinds: KindTable = {
  'coordination.k8s.io/v1': { Lease: 'coordination.Lease' },
};
