import type { Node } from '../../../api-types/core.js';
import { type Case, tableTest } from './table.js';

const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const node = (name: string, podCIDRs?: string[]): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: podCIDRs ? { podCIDRs } : {} });

tableTest('node validation', '', 'nodes', [
  { name: 'accepts a DNS subdomain and dual-stack podCIDRs', obj: node('node-1.zone-a', ['10.244.1.0/24', 'fd00:244:1::/64']), wantCauses: [] },
  { name: 'rejects an uppercase name', obj: node('Node1'), wantCauses: [v('metadata.name')] },
  { name: 'rejects two podCIDRs of one family', obj: node('n', ['10.244.1.0/24', '10.244.2.0/24']), wantCauses: [v('spec.podCIDRs')] },
  { name: 'rejects a bad podCIDR', obj: node('n', ['10.244.1.1/24']), wantCauses: [v('spec.podCIDRs[0]')] },
] satisfies Case[]);

