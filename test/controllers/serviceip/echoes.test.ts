/**
 * The serviceip controller's own writes coming back through its informers (the IPAddress it
 * created, the Service it updated) are not new work, whichever comes first: the echo (the
 * in-process client) or the write's answer (HTTP, simulated by delaying watch events). Changes
 * made by anyone else still are.
 */
import test from 'ava';
import type { Registry } from 'prom-client';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { MemoryStore } from '../../../apiserver/store.js';
import type { KubeClient } from '../../../controllers/runtime/kube-client.js';
import { delegatingClient } from '../../helpers/delegating-client.js';
import { WorkQueueMetricNames } from '../../../controllers/runtime/workqueue-metrics.js';
import { eventually } from '../../helpers/eventually.js';
import { claims, createService, editService, getService, startServiceIP } from './harness.js';

/** Delivers watch events a macrotask late, so every write's answer arrives before its echo. */
function lateEchoClient(inner: KubeClient): KubeClient {
  return delegatingClient(inner, (r) => ({
    watch: (o, l) => r.watch(o, { event: (ev) => setTimeout(() => l.event(ev), 1), end: (err) => setTimeout(() => l.end(err), 1) }),
  }));
}

async function adds(registry: Registry, queue: string): Promise<number> {
  const { values } = await registry.getSingleMetric(WorkQueueMetricNames.adds)!.get();
  return values.find((v) => v.labels.name === queue)?.value ?? 0;
}

for (const order of ['echo first', 'answer first'] as const) {
  test(`serviceip › own writes are not new work (${order}): one queue add per new Service, no claim re-check; others' changes are`, async (t) => {
    const store = new MemoryStore();
    const inner = new InProcessClient(store);
    const c = await startServiceIP(store, {}, order === 'echo first' ? inner : lateEchoClient(inner));
    const names = ['a', 'b', 'c', 'd'];
    for (const name of names) createService(store, name);
    await eventually('all allocated', () => names.every((n) => getService(store, n)?.spec?.clusterIP));
    // Let the last echoes arrive before counting.
    await eventually('claims indexed', () => c.controller.index.size === names.length);
    await new Promise((r) => setTimeout(r, 20));
    t.is(await adds(c.metrics.registry, 'serviceip'), names.length, 'one add per created Service');
    t.is(await adds(c.metrics.registry, 'serviceip_ipaddresses'), 0, 'no re-check of claims the controller made and wrote');
    // Someone else's change to the allocation fields is work: it is put right.
    const ip = getService(store, 'a')?.spec?.clusterIP as string;
    editService(store, 'a', (s) => {
      s.spec = { ...s.spec, type: 'ExternalName', externalName: 'example.com', clusterIP: undefined, clusterIPs: undefined, ipFamilies: undefined, ipFamilyPolicy: undefined };
    });
    await eventually('released after ExternalName', () => !claims(store).has(ip));
    t.true(await adds(c.metrics.registry, 'serviceip') > names.length);
    await c.stop();
  });
}
