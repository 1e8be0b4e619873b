import test from 'ava';
import fc from 'fast-check';
import { firstFree, seededRandom } from '../../../allocators/random.js';
import { internalError } from '../../../apiserver/errors.js';
import { InProcessClient } from '../../../apiserver/in-process-client.js';
import { MemoryStore } from '../../../apiserver/store.js';
import { FaultClient } from '../../../controllers/runtime/fault-client.js';
import { PortMapStore } from '../../../controllers/nodeport/apply.js';
import { PortMapState, compareResourceVersions, decodePortMap, encodePortMap } from '../../../controllers/nodeport/port-map.js';
import { R, portMap } from './harness.js';

const RANGE = { base: 30000, size: 2768 };

test('port map › encode then decode gives the same ports and owners; data is the RangeAllocation bitmap', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 30000, max: 32767 }), { maxLength: 200 }), fc.integer({ min: 1, max: 1e6 }), (ports, rv) => {
      const s = new PortMapState(RANGE);
      ports.forEach((p, i) => s.claim(p, { key: `ns/s${i}`, uid: `u${i}`, rv: String(rv + i) }));
      const data = encodePortMap(s);
      const back = decodePortMap(data, RANGE);
      const sorted = [...ports].sort((a, b) => a - b);
      if (back.allocatedPorts().join() !== sorted.join()) return false;
      if (Buffer.from(data.data ?? '', 'base64').length !== 346) return false;
      return ports.every((p, i) => back.ownerOf(p)?.uid === `u${i}` && back.portsOwnedBy(`ns/s${i}`).join() === String(p));
    }),
    { numRuns: 1000, seed: 11 },
  );
  t.is(encodePortMap(new PortMapState(RANGE)).range, '30000-32767');
});

test('port map › an uninitialised map is empty; a map of another range keeps the ports that fit', (t) => {
  t.is(decodePortMap(undefined, RANGE).range.used, 0);
  t.is(decodePortMap({ range: '' }, RANGE).range.used, 0);
  const wide = new PortMapState({ base: 30000, size: 5000 });
  wide.claim(30001, { key: 'a/a', uid: 'u', rv: '1' });
  wide.claim(34000, { key: 'a/b', uid: 'v', rv: '1' });
  const narrow = decodePortMap(encodePortMap(wide), RANGE);
  t.deepEqual(narrow.allocatedPorts(), [30001]);
  t.throws(() => decodePortMap({ range: '30000-32767', data: '', owners: '[1' }, RANGE), { instanceOf: SyntaxError });
});

test('port map › setOwner keeps the newest resourceVersion of one uid', (t) => {
  const s = new PortMapState(RANGE);
  s.claim(30001, { key: 'a/a', uid: 'u', rv: '9' });
  s.setOwner(30001, { key: 'a/a', uid: 'u', rv: '7' });
  t.is(s.ownerOf(30001)?.rv, '9');
  s.setOwner(30001, { key: 'a/b', uid: 'v', rv: '3' });
  t.deepEqual(s.ownerOf(30001), { key: 'a/b', uid: 'v', rv: '3' });
  t.deepEqual(s.portsOwnedBy('a/a'), []);
  t.is(compareResourceVersions('10', '9'), 1);
  t.is(compareResourceVersions('x', '9'), undefined);
});

test('PortMapStore › compare-and-swap under contention: four writers, faults, no port handed out twice', async (t) => {
  const store = new MemoryStore();
  const writers = [1, 2, 3, 4].map((seed) => {
    const faults = new FaultClient(new InProcessClient(store));
    faults.failNext({ verb: 'update', resource: 'configmaps', count: 3, error: () => internalError('etcd timeout') });
    return new PortMapStore({ client: faults, namespace: 'kube-system', name: 'svcplane-nodeports', range: RANGE, random: seededRandom(seed), maxAttempts: 200 });
  });
  const claims = await Promise.all(
    Array.from({ length: 400 }, (_, i) => (writers[i % 4] as PortMapStore).transact((s) => ({ result: s.claimNext({ key: `d/s${i}`, uid: `u${i}`, rv: '1' }), changed: true }))),
  );
  t.is(new Set(claims).size, 400, 'every claim got its own port');
  const stored = portMap(store);
  t.deepEqual(stored.allocatedPorts(), [...claims].sort((a, b) => a - b));
  claims.forEach((p, i) => t.is(stored.ownerOf(p)?.uid, `u${i}`));
  const writes = writers.reduce((n, w) => n + w.writes, 0);
  t.true(writes < 400, `claims share writes (batched): ${writes} writes for 400 claims`);
  store.close();
});

test('PortMapStore › two writers with the same stale copy pick the same port: the second write conflicts, re-reads and takes another', async (t) => {
  const store = new MemoryStore();
  const [a, b] = [1, 2].map(() => new PortMapStore({ client: new InProcessClient(store), namespace: 'kube-system', name: 'pm', range: RANGE, random: firstFree }));
  const claim = (pm: PortMapStore | undefined, i: number) => (pm as PortMapStore).transact((s) => ({ result: s.claimNext({ key: `d/s${i}`, uid: `u${i}`, rv: '1' }), changed: true }));
  await claim(a, 0);
  // Both now hold the same copy (one claimed port); both claim first-fit at once.
  await (b as PortMapStore).transact(() => ({ result: undefined, changed: false }));
  const [pa, pb] = await Promise.all([claim(a, 1), claim(b, 2)]);
  t.not(pa, pb);
  t.deepEqual(portMap(store, '30000-32767', 'pm').allocatedPorts().length, 3);
  store.close();
});

test('PortMapStore › a batch waits for the callers whenOthersReturn says are coming back, and they join its write', async (t) => {
  const store = new MemoryStore();
  let back!: () => void;
  let asked = 0;
  const pm = new PortMapStore({
    client: new InProcessClient(store), namespace: 'kube-system', name: 'pm', range: RANGE, random: firstFree,
    // The first batch hears that others are busy; later ones that nobody is.
    whenOthersReturn: () => (asked++ === 0 ? new Promise<void>((r) => (back = r)) : undefined),
  });
  const claim = (i: number) => pm.transact((s) => ({ result: s.claimNext({ key: `d/s${i}`, uid: `u${i}`, rv: '1' }), changed: true }));
  const early = claim(0);
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
  t.is(pm.writes, 0, 'the early claim waits instead of writing alone');
  const late = [claim(1), claim(2)];
  back();
  const ports = await Promise.all([early, ...late]);
  t.is(pm.writes, 1, 'one write carries all three claims');
  t.is(new Set(ports).size, 3);
  t.deepEqual(portMap(store, '30000-32767', 'pm').allocatedPorts(), [...ports].sort((a, b) => a - b));
  // Nobody busy: the next claim is written at once.
  await claim(3);
  t.is(pm.writes, 2);
  store.close();
});

test('PortMapStore › a change that changes nothing makes no write; persistent failures reject with a code', async (t) => {
  const store = new MemoryStore();
  const faults = new FaultClient(new InProcessClient(store));
  const pm = new PortMapStore({ client: faults, namespace: 'kube-system', name: 'pm', range: RANGE, maxAttempts: 3 });
  t.is(await pm.transact(() => ({ result: 1, changed: false })), 1);
  t.is(pm.writes, 0);
  t.throws(() => store.get(R.configmaps, 'kube-system', 'pm'));
  faults.failNext({ verb: '*', resource: 'configmaps', count: 10, error: () => internalError('down') });
  const err = await t.throwsAsync(pm.transact((s) => ({ result: s.claimNext({ key: 'a/a', uid: 'u', rv: '1' }), changed: true })));
  t.is((err as { code?: string }).code, 'PortMapWriteFailed');
  faults.clearFaults();
  const port = await pm.transact((s) => ({ result: s.claimNext({ key: 'a/a', uid: 'u', rv: '1' }), changed: true }));
  t.deepEqual(portMap(store, '30000-32767', 'pm').allocatedPorts(), [port]);
  store.close();
});
