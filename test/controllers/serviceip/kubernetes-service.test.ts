import test from 'ava';
import type { IPAddress } from '../../../api-types/networking.js';
import type { KubeObject } from '../../../api-types/meta.js';
import { startApiServer } from '../../../apiserver/index.js';
import type { MemoryStore } from '../../../apiserver/store.js';
import { eventually } from '../../helpers/eventually.js';
import { claims, events, getService, ipaddresses, startServiceIP } from './harness.js';

/** A svcplane claim whose parent does not exist: the leak repair deletes it after the grace period. */
function leakedClaim(store: MemoryStore, ip: string): void {
  store.create(ipaddresses, undefined, {
    metadata: { name: ip, labels: { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'serviceip-controller.svcplane.io' } },
    spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: `ghost-${ip}` } },
  });
}

type EventObject = KubeObject & { type?: string; reason?: string; regarding?: { name?: string } };

test('serviceip › the API server\'s kubernetes Service is claimed like any requested IP: one IPAddress, no Warning, never a leak', async (t) => {
  const server = await startApiServer({ serviceClusterIPRange: '10.0.0.0/24', advertiseAddress: '192.0.2.10' });
  t.teardown(() => server.close());
  const store = server.store;
  // The leak repair at work, as a control: it must delete this one, and only this one.
  leakedClaim(store, '10.0.0.77');
  const c = await startServiceIP(store, { serviceClusterIPRange: '10.0.0.0/24', leakGracePeriodMs: 100, repairIntervalMs: 100 });
  t.teardown(() => c.stop());
  const svc = await eventually('kubernetes Service allocated', () => {
    const s = getService(store, 'kubernetes');
    return s?.spec?.ipFamilies?.length ? s : undefined;
  });
  t.deepEqual(svc.spec?.clusterIPs, ['10.0.0.1']);
  t.deepEqual(svc.spec?.ipFamilies, ['IPv4']);
  t.is(svc.spec?.ipFamilyPolicy, 'SingleStack');
  await eventually('the leaked control claim deleted', () => !claims(store).has('10.0.0.77'));
  // A second control, made after the kubernetes claim exists: once it is gone, the repair has
  // looked at every claim more than a grace period after the kubernetes claim was made.
  leakedClaim(store, '10.0.0.78');
  await eventually('the second control deleted', () => !claims(store).has('10.0.0.78'), { timeoutMs: 10_000 });
  const forKubernetes = [...claims(store).values()].filter((ip: IPAddress) => ip.spec.parentRef.name === 'kubernetes');
  t.deepEqual(forKubernetes.map((ip) => [ip.metadata.name, ip.spec.parentRef.namespace, ip.metadata.labels?.['ipaddress.kubernetes.io/managed-by']]), [['10.0.0.1', 'default', 'serviceip-controller.svcplane.io']]);
  const warnings = (store.list(events).items as EventObject[]).filter((e) => e.type === 'Warning');
  t.deepEqual(warnings.map((e) => e.regarding?.name).sort(), ['10.0.0.77', '10.0.0.78'], 'only the controls were reported');
});
