import test from 'ava';
import { parseClusterCIDRs, resolveKubeletSimOptions } from '../../../controllers/kubelet-sim/options.js';

test('kubelet-sim options › defaults: 3 nodes in zones a/b/c, 10.244.0.0/16, /24 per node, 1 s ready delay, 2 s shutdown', (t) => {
  const o = resolveKubeletSimOptions();
  t.deepEqual(o.nodeNames, ['sim-node-1', 'sim-node-2', 'sim-node-3']);
  t.deepEqual(o.zones, ['zone-a', 'zone-b', 'zone-c']);
  t.deepEqual(o.clusterCIDRs.map((c) => c.text), ['10.244.0.0/16']);
  t.deepEqual(o.nodeCIDRMaskSize, { IPv4: 24, IPv6: 64 });
  t.is(o.readyDelayMs, 1000);
  t.is(o.shutdownMs, 2000);
});

test('kubelet-sim options › zones repeat past three nodes', (t) => {
  t.deepEqual(resolveKubeletSimOptions({ nodes: 4 }).zones, ['zone-a', 'zone-b', 'zone-c', 'zone-a']);
});

test('kubelet-sim options › --cluster-cidr takes one CIDR or one per family, comma-separated, primary first', (t) => {
  t.deepEqual(parseClusterCIDRs('fd00:10:244::/56, 10.244.0.0/16').map((c) => c.family), ['IPv6', 'IPv4']);
  t.deepEqual(parseClusterCIDRs(['10.244.0.0/16']).map((c) => c.text), ['10.244.0.0/16']);
  for (const bad of ['', '10.244.0.0/16,', '10.244.0.0/16,10.245.0.0/16', '10.244.0.0/16,fd00::/56,10.1.0.0/16', '10.244.0.1/16', 'nope']) {
    t.throws(() => parseClusterCIDRs(bad), { instanceOf: TypeError }, bad);
  }
});

test('kubelet-sim options › bad numbers are RangeErrors naming the option', (t) => {
  t.throws(() => resolveKubeletSimOptions({ nodes: 0 }), { instanceOf: RangeError, message: /nodes/ });
  t.throws(() => resolveKubeletSimOptions({ readyDelayMs: -1 }), { instanceOf: RangeError, message: /readyDelayMs/ });
  t.throws(() => resolveKubeletSimOptions({ shutdownMs: 1.5 }), { instanceOf: RangeError, message: /shutdownMs/ });
  t.throws(() => resolveKubeletSimOptions({ concurrency: 0 }), { instanceOf: RangeError, message: /concurrency/ });
  // A node mask shorter than the cluster's, or 17 bits longer, as node IPAM refuses.
  t.throws(() => resolveKubeletSimOptions({ nodeCIDRMaskSize: { IPv4: 8 } }), { instanceOf: RangeError, message: /IPv4/ });
  t.throws(() => resolveKubeletSimOptions({ clusterCIDR: 'fd00::/40', nodeCIDRMaskSize: { IPv6: 64 } }), { instanceOf: RangeError, message: /IPv6/ });
});
