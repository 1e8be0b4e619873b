import test from 'ava';
import type { Endpoints } from '../../../api-types/core.js';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { EndpointsController } from '../../../controllers/endpoints/index.js';
import { EndpointSliceController } from '../../../controllers/endpointslice/index.js';
import { MirroringController } from '../../../controllers/endpointslicemirroring/controller.js';
import { eventually } from '../../helpers/eventually.js';
import { R, startWorld, type World } from '../../helpers/world.js';

const slicesOf = (w: World, name: string, managedBy: string) =>
  w.list<EndpointSlice>(R.endpointslices).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === managedBy);

test('endpoint controllers › a Service written with selector {} is selectorless, as after kube-apiserver\'s storage: its own Endpoints are mirrored, no pod is selected', async (t) => {
  const w = await startWorld([new EndpointsController(), new EndpointSliceController(), new MirroringController()]);
  try {
    // A pod of the namespace that an empty selector kept in memory would select.
    w.pod('stray', { labels: { app: 'other' }, ip: '10.244.0.9', ready: true });
    w.service('ext', { selector: {}, ports: [{ name: 'http', port: 80 }] });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ name: 'http', port: 8080 }] }] });
    const [mirrored] = await eventually('mirrored slice', () => slicesOf(w, 'ext', 'endpointslicemirroring-controller.k8s.io').length === 1 && slicesOf(w, 'ext', 'endpointslicemirroring-controller.k8s.io'));
    t.deepEqual(mirrored.endpoints?.map((e) => e.addresses[0]), ['192.168.1.1']);
    // The control: a Service with a selector gets its slice from the EndpointSlice controller.
    w.service('sel', { selector: { app: 'other' }, ports: [{ name: 'http', port: 80 }] });
    await eventually('control slice', () => slicesOf(w, 'sel', 'endpointslice-controller.k8s.io').length === 1);
    t.is(slicesOf(w, 'ext', 'endpointslice-controller.k8s.io').length, 0, 'no controller slice for the selectorless Service');
    const ep = w.store.get(R.endpoints, 'default', 'ext') as Endpoints;
    t.deepEqual(ep.subsets?.[0].addresses?.map((a) => a.ip), ['192.168.1.1'], 'the Endpoints controller left the user\'s Endpoints alone');
  } finally {
    await w.close();
  }
});
