import test from 'ava';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { MirroringController } from '../../../controllers/endpointslicemirroring/controller.js';
import { eventually } from '../../helpers/eventually.js';
import { R, startWorld, type World } from '../../helpers/world.js';

const mirrored = (w: World, name: string) =>
  w.list<EndpointSlice>(R.endpointslices).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslicemirroring-controller.k8s.io');

test('mirroring controller › a selectorless Service\'s Endpoints are mirrored; skip-mirror and a selector remove the slices', async (t) => {
  const w = await startWorld([new MirroringController()]);
  try {
    w.service('ext', { ports: [{ name: 'http', port: 80 }] });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'ext', labels: { team: 'a' } }, subsets: [{ addresses: [{ ip: '192.168.1.1' }, { ip: '192.168.1.2' }], notReadyAddresses: [{ ip: '192.168.1.3' }], ports: [{ name: 'http', port: 8080 }] }] });
    const [slice] = await eventually('mirrored slice', () => mirrored(w, 'ext').length === 1 && mirrored(w, 'ext'));
    t.is(slice.addressType, 'IPv4');
    t.deepEqual(slice.endpoints?.map((e) => `${e.addresses[0]} ${e.conditions?.ready}`).sort(), ['192.168.1.1 true', '192.168.1.2 true', '192.168.1.3 false']);
    t.is(slice.metadata.labels?.team, 'a');
    t.is(slice.metadata.ownerReferences?.[0].kind, 'Endpoints');
    const ep = w.store.get(R.endpoints, 'default', 'ext');
    w.store.update(R.endpoints, 'default', 'ext', { ...ep, metadata: { ...ep.metadata, labels: { ...ep.metadata.labels, 'endpointslice.kubernetes.io/skip-mirror': 'true' } } });
    await eventually('slices removed by skip-mirror', () => mirrored(w, 'ext').length === 0);
    // A Service with a selector is the EndpointSlice controller's: nothing mirrored.
    w.service('sel', { selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }] });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'sel' }, subsets: [{ addresses: [{ ip: '192.168.2.1' }], ports: [{ name: 'http', port: 8080 }] }] });
    w.service('probe', { ports: [{ name: 'http', port: 80 }] });
    w.store.create(R.endpoints, 'default', { metadata: { name: 'probe' }, subsets: [{ addresses: [{ ip: '192.168.3.1' }], ports: [{ name: 'http', port: 8080 }] }] });
    await eventually('probe mirrored', () => mirrored(w, 'probe').length === 1);
    t.is(mirrored(w, 'sel').length, 0);
  } finally {
    await w.close();
  }
});
