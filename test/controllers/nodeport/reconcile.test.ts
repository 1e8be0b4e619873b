import test from 'ava';
import fc from 'fast-check';
import type { Service, ServicePort } from '../../../api-types/core.js';
import { firstFree, seededRandom } from '../../../allocators/random.js';
import { PortMapState, type PortOwner } from '../../../controllers/nodeport/port-map.js';
import { assignNodePorts, isReleasable, planNodePorts, type NodePortPlan } from '../../../controllers/nodeport/reconcile.js';
import { runPlan } from '../../../controllers/nodeport/transaction.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const RANGE = { base: 30000, size: 2768 };

function svc(name: string, spec: NonNullable<Service['spec']>, rv = '10', uid = `uid-${name}`): Service {
  return deepFreeze({ metadata: { name, namespace: 'default', uid, resourceVersion: rv }, spec }) as Service;
}

const ports = (...ps: Partial<ServicePort>[]): ServicePort[] => ps.map((p, i) => ({ name: `p${i}`, protocol: 'TCP', ...p, port: p.port ?? 80 }));

function state(owners: [number, PortOwner | undefined][] = [], random = firstFree): PortMapState {
  const s = new PortMapState(RANGE, random);
  for (const [port, o] of owners) {
    s.range.allocate(port);
    if (o) s.setOwner(port, o);
  }
  return s;
}

/** Plans and runs one Service against a state; returns the plan, outcome and updated spec ports. */
function run(service: Service | undefined, st: PortMapState, others: Service[] = [], cacheRV = '100') {
  const byKey = new Map([...others, ...(service ? [service] : [])].map((s) => [`default/${s.metadata.name}`, s]));
  const key = service ? `default/${service.metadata.name}` : 'default/gone';
  const plan = planNodePorts({ key, service, lookup: (k) => byKey.get(k), cacheRV, map: st });
  const outcome = runPlan(st, plan);
  const updated = service ? assignNodePorts(service, plan, outcome.assigned) : undefined;
  return { plan, outcome, updated, nodePorts: (updated ?? service)?.spec?.ports?.map((p) => p.nodePort ?? 0), hc: (updated ?? service)?.spec?.healthCheckNodePort };
}

const upper = (p: number | undefined): boolean => p !== undefined && p >= 30086 && p <= 32767;

interface Row {
  name: string;
  spec: NonNullable<Service['spec']>;
  taken?: [number, PortOwner | undefined][];
  others?: Service[];
  want: (r: ReturnType<typeof run>) => boolean;
}

const someoneElse: PortOwner = { key: 'default/other', uid: 'uid-other', rv: '5' };
const rows: Row[] = [
  { name: 'NodePort, one port: automatic from the upper band', spec: { type: 'NodePort', ports: ports({ port: 80 }) }, want: (r) => upper(r.nodePorts?.[0]) },
  { name: 'multiport multiproto unspecified: 53/TCP and 53/UDP share', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, ports: ports({ port: 53 }, { port: 53, protocol: 'UDP' }) }, want: (r) => upper(r.nodePorts?.[0]) && r.nodePorts?.[0] === r.nodePorts?.[1] && r.outcome.dynamicClaims === 1 },
  { name: 'specified and unspecified of one port number: the explicit value is copied', spec: { type: 'NodePort', ports: ports({ port: 53, nodePort: 30053 }, { port: 53, protocol: 'UDP' }) }, want: (r) => r.nodePorts?.join() === '30053,30053' && r.outcome.staticClaims === 1 && r.outcome.dynamicClaims === 0 },
  { name: 'different port numbers get different ports', spec: { type: 'NodePort', ports: ports({ port: 80 }, { port: 443 }) }, want: (r) => r.nodePorts?.[0] !== r.nodePorts?.[1] && r.outcome.dynamicClaims === 2 },
  { name: 'requested port free: claimed, no Service write needed', spec: { type: 'NodePort', ports: ports({ port: 80, nodePort: 30080 }) }, want: (r) => r.outcome.staticClaims === 1 && r.updated === undefined },
  { name: 'requested port taken: AlreadyAllocated, nothing claimed', spec: { type: 'NodePort', ports: ports({ port: 80, nodePort: 30080 }, { port: 81 }) }, taken: [[30080, someoneElse]], others: [svc('other', { type: 'NodePort', ports: ports({ port: 80, nodePort: 30080 }) }, '5')], want: (r) => r.outcome.problems[0]?.note === 'Service "s" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated' && r.updated === undefined && r.outcome.dynamicClaims === 0 },
  { name: 'requested port out of range: NotInRange', spec: { type: 'NodePort', ports: ports({ port: 80, nodePort: 80 }) }, want: (r) => r.outcome.problems[0]?.code === 'NotInRange' && r.outcome.problems[0]?.note.endsWith('provided port is not in the valid range. The range of valid ports is 30000-32767') === true },
  { name: 'one nodePort on two port numbers (93/TCP, 76/UDP): the second is already allocated', spec: { type: 'NodePort', ports: ports({ port: 93, nodePort: 30093 }, { port: 76, protocol: 'UDP', nodePort: 30093 }) }, want: (r) => r.outcome.problems.length === 1 && r.outcome.problems[0]?.note.includes('spec.ports[1].nodePort') === true },
  { name: 'LoadBalancer allocateLoadBalancerNodePorts false: no automatic ports, explicit honoured', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: ports({ port: 80 }, { port: 81, nodePort: 30081 }) }, want: (r) => r.nodePorts?.join() === '0,30081' && r.outcome.staticClaims === 1 },
  { name: 'LoadBalancer Local: a health-check port too', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Local', ports: ports({ port: 80 }) }, want: (r) => upper(r.hc) && r.hc !== r.nodePorts?.[0] },
  { name: 'LoadBalancer Local, alloc false: the health-check port still', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, externalTrafficPolicy: 'Local', ports: ports({ port: 80 }) }, want: (r) => upper(r.hc) && r.nodePorts?.[0] === 0 },
  { name: 'requested health-check port is claimed', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, ports: ports({ port: 80, nodePort: 30080 }) }, want: (r) => r.outcome.staticClaims === 2 && r.updated === undefined },
  { name: 'requested health-check port taken by an in-flight claim the cache has not seen', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, ports: ports({ port: 80 }) }, taken: [[31000, { ...someoneElse, rv: '500' }]], want: (r) => r.outcome.problems[0]?.note === 'Internal error occurred: failed to allocate requested HealthCheck NodePort 31000: provided port is already allocated' },
  { name: 'health-check port equal to a nodePort: already allocated', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Local', healthCheckNodePort: 30080, ports: ports({ port: 80, nodePort: 30080 }) }, want: (r) => r.outcome.problems.length === 1 },
  { name: 'Cluster policy: no health-check port', spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Cluster', ports: ports({ port: 80 }) }, want: (r) => r.hc === undefined },
  { name: 'ClusterIP: nothing', spec: { type: 'ClusterIP', ports: ports({ port: 80 }) }, want: (r) => r.updated === undefined && !r.outcome.changed },
  { name: 'ExternalName: nothing', spec: { type: 'ExternalName', externalName: 'x.example' }, want: (r) => r.updated === undefined && !r.outcome.changed },
  { name: 'an owner provably gone is taken over', spec: { type: 'NodePort', ports: ports({ port: 80, nodePort: 30080 }) }, taken: [[30080, { key: 'default/dead', uid: 'u-dead', rv: '50' }]], want: (r) => r.outcome.problems.length === 0 && r.outcome.staticClaims === 1 },
  { name: 'an ownerless allocated port is not taken over', spec: { type: 'NodePort', ports: ports({ port: 80, nodePort: 30080 }) }, taken: [[30080, undefined]], want: (r) => r.outcome.problems[0]?.code === 'AlreadyAllocated' },
];

for (const row of rows) {
  test(`planNodePorts › ${row.name}`, (t) => {
    const r = run(svc('s', row.spec), state(row.taken), row.others);
    t.true(row.want(r), JSON.stringify({ nodePorts: r.nodePorts, hc: r.hc, problems: r.outcome.problems, claims: [r.outcome.staticClaims, r.outcome.dynamicClaims] }));
  });
}

test('planNodePorts › ports held by the Service are never reassigned (keep on update)', (t) => {
  const s = svc('s', { type: 'NodePort', ports: ports({ port: 80, nodePort: 30080 }, { port: 81 }) });
  const st = state([[30080, { key: 'default/s', uid: 'uid-s', rv: '9' }]]);
  const r = run(s, st);
  t.is(r.nodePorts?.[0], 30080);
  t.true(upper(r.nodePorts?.[1]));
  t.is(r.outcome.staticClaims, 0);
});

test('planNodePorts › a value the request dropped comes back from the Service\'s own claim', (t) => {
  const st = state([[31234, { key: 'default/s', uid: 'uid-s', rv: '9' }]]);
  const r = run(svc('s', { type: 'NodePort', ports: ports({ port: 80 }) }, '12'), st);
  t.deepEqual(r.nodePorts, [31234]);
  t.is(r.outcome.dynamicClaims, 0);
  t.is(st.ownerOf(31234)?.rv, '12', 're-stamped with the resourceVersion written against');
});

test('planNodePorts › type change to ClusterIP releases the claims once the cache shows the change', (t) => {
  const st = state([[31234, { key: 'default/s', uid: 'uid-s', rv: '9' }]]);
  run(svc('s', { type: 'ClusterIP', ports: ports({ port: 80 }) }, '9'), st);
  t.true(st.isAllocated(31234), 'same resourceVersion as the claim: a write based on it may still land');
  const r = run(svc('s', { type: 'ClusterIP', ports: ports({ port: 80 }) }, '11'), st);
  t.deepEqual(r.outcome.released, [31234]);
  t.false(st.isAllocated(31234));
});

test('planNodePorts › a deleted Service\'s claims are released only once the cache has caught up with them', (t) => {
  const st = state([[31234, { key: 'default/gone', uid: 'u1', rv: '120' }]]);
  t.deepEqual(run(undefined, st, [], '100').outcome.released, []);
  t.deepEqual(run(undefined, st, [], '120').outcome.released, [31234]);
});

test('planNodePorts › a recreated Service (new uid, same name) frees the old claims and gets new ports', (t) => {
  const st = state([[31234, { key: 'default/s', uid: 'old', rv: '5' }]]);
  const r = run(svc('s', { type: 'NodePort', ports: ports({ port: 80 }) }, '20', 'new'), st);
  t.deepEqual(r.outcome.released, [31234]);
  t.not(r.nodePorts?.[0], 0);
  t.is(st.ownerOf(r.nodePorts?.[0] ?? 0)?.uid, 'new');
});

test('planNodePorts › range full: PortRangeFull with Kubernetes\' words, nothing claimed', (t) => {
  const st = new PortMapState({ base: 30000, size: 1 }, firstFree);
  st.claim(30000, someoneElse);
  const r = run(svc('s', { type: 'NodePort', ports: ports({ port: 80 }) }), st);
  t.deepEqual(r.outcome.problems.map((p) => [p.reason, p.note]), [['PortRangeFull', 'Internal error occurred: failed to allocate a nodePort: range is full']]);
  t.is(st.range.used, 1);
  // Only the health-check port to allocate: allocHealthCheckNodePort's words, as a 500.
  const lb = run(svc('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, externalTrafficPolicy: 'Local', ports: ports({ port: 80 }) }), st);
  t.deepEqual(lb.outcome.problems.map((p) => [p.reason, p.note]), [['PortRangeFull', 'Internal error occurred: failed to allocate a HealthCheck NodePort 0: range is full']]);
});

test('isReleasable › only with numeric resourceVersions and proof', (t) => {
  const live = svc('s', { type: 'NodePort', ports: ports({ port: 80, nodePort: 30080 }) }, '10');
  const lookup = (k: string) => (k === 'default/s' ? live : undefined);
  t.false(isReleasable(30080, { key: 'default/s', uid: 'uid-s', rv: '5' }, lookup, '100'), 'held');
  t.true(isReleasable(30081, { key: 'default/s', uid: 'uid-s', rv: '5' }, lookup, '100'), 'not held, Service moved on');
  t.false(isReleasable(30081, { key: 'default/s', uid: 'uid-s', rv: '10' }, lookup, '100'), 'not held, claim based on the cached version');
  t.false(isReleasable(30081, { key: 'default/x', uid: 'u', rv: 'abc' }, lookup, '100'), 'opaque resourceVersion');
  t.false(isReleasable(30081, undefined, lookup, '100'), 'ownerless');
});

test('planNodePorts › property: plans never give one port to two Services and never touch held ports', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(fc.integer(), fc.array(fc.record({ n: fc.integer({ min: 1, max: 4 }), shared: fc.boolean(), lb: fc.boolean() }), { minLength: 1, maxLength: 30 }), (seed, shapes) => {
      const st = new PortMapState({ base: 30000, size: 200 }, seededRandom(seed));
      const owners = new Map<number, string>();
      shapes.forEach((shape, i) => {
        const ps = Array.from({ length: shape.n }, (_, j) => ({ port: shape.shared && j === 1 ? 80 : 80 + j, protocol: (j % 2 ? 'UDP' : 'TCP') as 'UDP' | 'TCP' }));
        const spec: NonNullable<Service['spec']> = shape.lb ? { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Local', ports: ports(...ps) } : { type: 'NodePort', ports: ports(...ps) };
        const r = run(svc(`s${i}`, spec), st);
        if (r.outcome.problems.length > 0) return;
        const mine = new Set([...(r.nodePorts ?? []), ...(r.hc ? [r.hc] : [])]);
        for (const p of mine) {
          if (p === 0) continue;
          if (owners.has(p)) throw new Error(`port ${p} given to s${i} and ${owners.get(p)}`);
          owners.set(p, `s${i}`);
          if (st.ownerOf(p)?.key !== `default/s${i}`) throw new Error(`port ${p} not owned in the map`);
        }
      });
      return st.range.used === owners.size;
    }),
    { numRuns: 1000, seed: 5 },
  ));
});

test('assignNodePorts › does not mutate the cached Service', (t) => {
  const s = svc('s', { type: 'NodePort', ports: ports({ port: 80 }) });
  const plan: Pick<NodePortPlan, 'copy'> = { copy: [] };
  const out = assignNodePorts(s, plan, [{ slot: { kind: 'ports', indices: [0] }, port: 30001 }]);
  t.is(out?.spec?.ports?.[0]?.nodePort, 30001);
  t.is(s.spec?.ports?.[0]?.nodePort, undefined);
});
