import test from 'ava';
import { Registry } from 'prom-client';
import { ClusterIPRanges } from '../../../allocators/index.js';
import { ClaimIndex } from '../../../controllers/serviceip/claims.js';
import { serviceIPMetrics } from '../../../controllers/serviceip/metrics.js';

test('serviceIPMetrics › gauges follow the bitmap; counters carry cidr and scope', async (t) => {
  const registry = new Registry();
  const index = new ClaimIndex(ClusterIPRanges.fromFlag('10.0.0.0/24'));
  const m = serviceIPMetrics(registry, index);
  index.ranges.get('IPv4')?.allocate('10.0.0.7');
  m.allocated('10.0.0.0/24', 'static');
  m.allocationError('10.0.0.0/24', 'dynamic');
  m.repairError('leak');
  const text = await registry.metrics();
  t.regex(text, /svcplane_clusterip_allocator_allocated_ips\{cidr="10.0.0.0\/24"\} 1/);
  t.regex(text, /svcplane_clusterip_allocator_available_ips\{cidr="10.0.0.0\/24"\} 253/);
  t.regex(text, /svcplane_clusterip_allocator_allocation_total\{cidr="10.0.0.0\/24",scope="static"\} 1/);
  t.regex(text, /svcplane_clusterip_allocator_allocation_errors_total\{cidr="10.0.0.0\/24",scope="dynamic"\} 1/);
  t.regex(text, /svcplane_clusterip_repair_ip_errors_total\{type="leak"\} 1/);
});
