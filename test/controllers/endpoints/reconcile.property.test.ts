import test from 'ava';
import fc from 'fast-check';
import type { Endpoints, Pod, PodPhase, Service, ServicePort } from '../../../api-types/core.js';
import { repackSubsets as serverRepack } from '../../../apiserver/validation/endpoints.js';
import { reconcileEndpoints, type EndpointsPlan } from '../../../controllers/endpoints/reconcile.js';
import { makePod, makeService, stored } from './fixtures.js';

function written(plan: EndpointsPlan): Endpoints {
  if (plan.action !== 'create' && plan.action !== 'update') throw new Error(`expected a write, got ${plan.action}`);
  return plan.endpoints;
}

// --- An independent, deliberately simple model of §4.2 steps 5–8 and §4.3 -------------------

function resolve(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const proto = sp.protocol ?? 'TCP';
  const matches = (c: { ports?: { name?: string; containerPort: number; protocol?: string }[] }) => c.ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === proto);
  for (const c of pod.spec?.containers ?? []) if (matches(c)) return matches(c)!.containerPort;
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always' && matches(c)) return matches(c)!.containerPort;
  return undefined;
}

/** The expected subsets, each printed as one sorted string, as a sorted list. */
function model(service: Service, pods: Pod[]): string[] {
  const pnra = service.spec?.publishNotReadyAddresses === true;
  const family = service.spec!.ipFamilies![0];
  const byPort = new Map<string, Map<string, boolean>>();
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') continue;
    if (pod.metadata.deletionTimestamp && !pnra) continue;
    const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
    const ip = ips.find((x) => x.includes(':') === (family === 'IPv6'));
    if (!ip) continue;
    const ready = pnra || pod.status?.conditions?.[0]?.status === 'True';
    const host = pod.spec?.hostname && pod.spec.subdomain === service.metadata.name ? pod.spec.hostname : '-';
    const addr = `${ip}/${pod.metadata.uid}/${pod.spec?.nodeName}/${host}`;
    const portKeys: string[] = [];
    if (!service.spec?.ports?.length) {
      if (service.spec?.clusterIP === 'None') portKeys.push('none');
    } else {
      for (const sp of service.spec.ports) {
        const n = resolve(pod, sp);
        if (n !== undefined) portKeys.push(`${sp.name}:${n}:${sp.protocol ?? 'TCP'}`);
      }
    }
    for (const pk of portKeys) {
      const m = byPort.get(pk) ?? new Map<string, boolean>();
      byPort.set(pk, m);
      m.set(addr, (m.get(addr) ?? true) && ready);
    }
  }
  const groups = new Map<string, string[]>();
  for (const [pk, m] of byPort) {
    const key = [...m].map(([a, r]) => `${r ? '+' : '-'}${a}`).sort().join(' ');
    groups.set(key, [...(groups.get(key) ?? []), pk]);
  }
  return [...groups].map(([key, pks]) => `${pks.filter((p) => p !== 'none').sort().join(',')} | ${key}`).sort();
}

function observed(ep: Endpoints): string[] {
  return (ep.subsets ?? []).map((ss) => {
    const pks = (ss.ports ?? []).map((p) => `${p.name}:${p.port}:${p.protocol}`).sort().join(',');
    const addrs = [
      ...(ss.addresses ?? []).map((a) => `+${a.ip}/${a.targetRef?.uid}/${a.nodeName}/${a.hostname ?? '-'}`),
      ...(ss.notReadyAddresses ?? []).map((a) => `-${a.ip}/${a.targetRef?.uid}/${a.nodeName}/${a.hostname ?? '-'}`),
    ].sort().join(' ');
    return `${pks} | ${addrs}`;
  }).sort();
}

// --- Generators ---------------------------------------------------------------------------------

const ipPool = ['10.0.0.1', '10.0.0.2', '10.0.0.10', 'fd00::1', 'fd00::a'];
const podArb = fc.record({
  ips: fc.subarray(ipPool, { minLength: 0, maxLength: 2 }),
  ready: fc.boolean(),
  phase: fc.constantFrom<PodPhase>('Running', 'Running', 'Pending', 'Unknown', 'Failed', 'Succeeded'),
  terminating: fc.boolean(),
  node: fc.constantFrom('node-1', 'node-2'),
  hostname: fc.constantFrom(undefined, 'h'),
  subdomain: fc.constantFrom(undefined, 'web', 'other'),
  web: fc.constantFrom(undefined, 8080, 8081),
  webUDP: fc.boolean(),
  sidecarWeb: fc.constantFrom(undefined, 9000),
});
const serviceArb = fc.record({
  family: fc.constantFrom('IPv4' as const, 'IPv6' as const),
  headless: fc.boolean(),
  pnra: fc.boolean(),
  ports: fc.subarray<ServicePort>([
    { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
    { name: 'alt', port: 81, targetPort: 7000, protocol: 'TCP' },
    { name: 'dns', port: 53, targetPort: 'web', protocol: 'UDP' },
  ]),
});

type PodSpecValue = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function build(svc: { family: 'IPv4' | 'IPv6'; headless: boolean; pnra: boolean; ports: ServicePort[] }, specs: PodSpecValue[]): { service: Service; pods: Pod[] } {
  const service = makeService({ ipFamilies: [svc.family], clusterIP: svc.headless ? 'None' : svc.family === 'IPv4' ? '10.96.0.10' : 'fd00:96::a', publishNotReadyAddresses: svc.pnra, ports: svc.ports });
  const pods = specs.map((p, i) => makePod(`p${i}`, {
    ips: p.ips, ready: p.ready, phase: p.phase, terminating: p.terminating, node: p.node, hostname: p.hostname, subdomain: p.subdomain,
    ports: p.web ? [{ name: 'web', containerPort: p.web, ...(p.webUDP ? { protocol: 'UDP' as const } : {}) }] : undefined,
    sidecarPorts: p.sidecarWeb ? [{ name: 'web', containerPort: p.sidecarWeb }] : undefined,
  }));
  return { service, pods };
}

test('reconcileEndpoints › property: output equals a simple model and the API server\'s canonical form; re-reconciling it writes nothing', (t) => {
  fc.assert(
    fc.property(serviceArb, fc.array(podArb, { maxLength: 10 }), (svc, specs) => {
      const { service, pods } = build(svc, specs);
      const plan = reconcileEndpoints({ namespace: 'default', name: 'web', service, pods, existing: undefined });
      const ep = written(plan);
      t.deepEqual(observed(ep), model(service, pods));
      // the API server stores exactly what was written (its canonical form), so nothing churns
      t.deepEqual(serverRepack(structuredClone(ep.subsets ?? [])), ep.subsets ?? []);
      t.deepEqual(reconcileEndpoints({ namespace: 'default', name: 'web', service, pods, existing: stored(ep) }), { action: 'none', reason: 'unchanged', counts: (plan as { counts: unknown }).counts } as EndpointsPlan);
    }),
    { numRuns: 1000 },
  );
});

test('reconcileEndpoints › property: truncation keeps at most the capacity, ready first, lowest IPs, and is stable', (t) => {
  // The rule does not depend on the number 1000 (a table test covers it there); a capacity of
  // 12 keeps each run cheap while crossing the limit from both sides, with several subsets.
  const capacity = 12;
  fc.assert(
    fc.property(serviceArb, fc.array(podArb, { maxLength: 24 }), (svc, specs) => {
      const { service, pods } = build(svc, specs);
      const full = written(reconcileEndpoints({ namespace: 'default', name: 'web', service, pods, existing: undefined }));
      const plan = reconcileEndpoints({ namespace: 'default', name: 'web', service, pods, existing: undefined, maxCapacity: capacity });
      const ep = written(plan);
      const total = (e: Endpoints, key: 'addresses' | 'notReadyAddresses') => (e.subsets ?? []).reduce((n, ss) => n + (ss[key]?.length ?? 0), 0);
      const fullReady = total(full, 'addresses');
      const fullAll = fullReady + total(full, 'notReadyAddresses');
      const kept = total(ep, 'addresses') + total(ep, 'notReadyAddresses');
      const byPorts = new Map((full.subsets ?? []).map((ss) => [JSON.stringify(ss.ports ?? []), ss]));
      // Two subsets cut down to the same addresses are merged by the repack (the server's
      // Canonicalize repacks every Endpoints write), and the merged subset lists each address
      // once: a port set no full subset has gives it away. Only then may fewer survive.
      const merged = (ep.subsets ?? []).some((ss) => !byPorts.has(JSON.stringify(ss.ports ?? [])));
      const expectCount = (got: number, want: number) => (merged ? t.true(got <= want, `${got} > ${want}`) : t.is(got, want));
      expectCount(kept, Math.min(capacity, fullAll));
      t.is(ep.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], fullAll > capacity ? 'truncated' : undefined);
      if (fullReady <= capacity) expectCount(total(ep, 'addresses'), fullReady);
      else t.is(total(ep, 'notReadyAddresses'), 0);
      // every kept list is a prefix of the full list for the same ports
      for (const ss of ep.subsets ?? []) {
        const whole = byPorts.get(JSON.stringify(ss.ports ?? []));
        if (!whole) continue; // a merged subset (see above)
        t.deepEqual(ss.addresses ?? [], (whole.addresses ?? []).slice(0, ss.addresses?.length ?? 0));
        t.deepEqual(ss.notReadyAddresses ?? [], (whole.notReadyAddresses ?? []).slice(0, ss.notReadyAddresses?.length ?? 0));
      }
      t.deepEqual(serverRepack(structuredClone(ep.subsets ?? [])), ep.subsets ?? []);
      t.like(reconcileEndpoints({ namespace: 'default', name: 'web', service, pods, existing: stored(ep), maxCapacity: capacity }), { action: 'none' });
    }),
    { numRuns: 1000 },
  );
});

test('reconcileEndpoints › at 1000: 1100 pods keep the 1000 lowest ready IPs, and the result is stable', (t) => {
  const service = makeService();
  const pods = Array.from({ length: 1100 }, (_, i) => makePod(`p${i}`, { ip: `10.${i % 7}.${i >> 8}.${i & 255}`, ready: i % 3 !== 0 }));
  const ep = written(reconcileEndpoints({ namespace: 'default', name: 'web', service, pods, existing: undefined }));
  const ready = pods.filter((p) => p.status!.conditions![0].status === 'True').map((p) => p.status!.podIP!).sort();
  const notReady = pods.filter((p) => p.status!.conditions![0].status !== 'True').map((p) => p.status!.podIP!).sort();
  t.deepEqual(ep.subsets?.[0].addresses?.map((a) => a.ip), ready);
  t.deepEqual(ep.subsets?.[0].notReadyAddresses?.map((a) => a.ip), notReady.slice(0, 1000 - ready.length));
  t.is(reconcileEndpoints({ namespace: 'default', name: 'web', service, pods: [...pods].reverse(), existing: stored(ep) }).action, 'none');
});
