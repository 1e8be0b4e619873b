import test from 'ava';
import type { EndpointAddress, EndpointSubset } from '../../../api-types/core.js';
import { allocateTruncation, truncateSubsets } from '../../../controllers/endpoints/truncate.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const addrs = (n: number, tag: string): EndpointAddress[] => Array.from({ length: n }, (_, i) => ({ ip: `${tag}.${i}` }));

// Every row of upstream's TestTruncateEndpoints (§4.4): ready, not ready → kept ready, kept not ready.
const rows: { name: string; ready: number[]; notReady: number[]; wantReady: number[]; wantNotReady: number[]; truncated: boolean }[] = [
  { name: 'empty', ready: [], notReady: [], wantReady: [], wantNotReady: [], truncated: false },
  { name: 'total < capacity', ready: [50, 100, 100, 100, 100], notReady: [50, 100, 100, 100, 100], wantReady: [50, 100, 100, 100, 100], wantNotReady: [50, 100, 100, 100, 100], truncated: false },
  { name: 'total = capacity', ready: [100, 100, 100, 100, 100], notReady: [100, 100, 100, 100, 100], wantReady: [100, 100, 100, 100, 100], wantNotReady: [100, 100, 100, 100, 100], truncated: false },
  { name: 'ready < capacity < total', ready: [90, 110, 50, 10, 20], notReady: [101, 200, 200, 201, 298], wantReady: [90, 110, 50, 10, 20], wantNotReady: [73, 144, 144, 145, 214], truncated: true },
  { name: 'ready > capacity', ready: [205, 400, 402, 400, 693], notReady: [100, 200, 200, 200, 300], wantReady: [98, 191, 192, 191, 328], wantNotReady: [0, 0, 0, 0, 0], truncated: true },
];

for (const r of rows) {
  test(`truncateSubsets › §4.4 ${r.name}`, (t) => {
    const subsets: EndpointSubset[] = deepFreeze(r.ready.map((n, i) => ({ addresses: addrs(n, `r${i}`), notReadyAddresses: addrs(r.notReady[i], `n${i}`), ports: [{ port: 80 }] })));
    const out = truncateSubsets(subsets);
    t.is(out.truncated, r.truncated);
    t.deepEqual(out.subsets.map((s) => s.addresses?.length ?? 0), r.wantReady);
    t.deepEqual(out.subsets.map((s) => s.notReadyAddresses?.length ?? 0), r.wantNotReady);
    // the first addresses of each list are the ones kept
    out.subsets.forEach((s, i) => t.deepEqual(s.notReadyAddresses ?? [], subsets[i].notReadyAddresses!.slice(0, r.wantNotReady[i])));
    out.subsets.forEach((s, i) => t.deepEqual(s.ports, subsets[i].ports));
  });
}

test('allocateTruncation › undefined within capacity; the budget is never exceeded', (t) => {
  t.is(allocateTruncation([600], [400]), undefined);
  const a = allocateTruncation([1, 1, 1], [999, 1, 1])!;
  t.deepEqual(a, { ready: [1, 1, 1], notReady: [996, 1, 0] });
  t.is(a.ready.reduce((x, y) => x + y) + a.notReady.reduce((x, y) => x + y), 1000);
});

test('allocateTruncation › a smaller capacity follows the same rule', (t) => {
  t.deepEqual(allocateTruncation([3, 3], [0, 0], 5), { ready: [3, 2], notReady: [0, 0] });
});
