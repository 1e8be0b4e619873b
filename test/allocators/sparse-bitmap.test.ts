import test from 'ava';
import { SPARSE_PAGE_BITS } from '../../allocators/bitmap-sparse-zone.js';
import { firstFree, seededRandom } from '../../allocators/random.js';
import { MAX_SPARSE_SIZE, SparseBitmap } from '../../allocators/sparse-bitmap.js';

const SLASH64 = 2n ** 64n - 1n;

for (const size of [0n, 1n, 31n, 32n, 33n, 1000n, 4097n]) {
  test(`sparse-bitmap › size ${size}: fill, allocate, release, has, used, free`, (t) => {
    const b = new SparseBitmap({ size, random: seededRandom(Number(size)) });
    t.is(b.used, 0);
    t.is(b.free, size);
    const got = new Set<bigint>();
    for (let i = 0n; i < size; i++) got.add(b.allocateNext() as bigint);
    t.is(got.size, Number(size), 'every allocateNext returned a distinct offset');
    t.true([...got].every((o) => o >= 0n && o < size));
    t.is(b.allocateNext(), undefined);
    t.is(b.free, 0n);
    if (size === 0n) {
      t.throws(() => b.allocate(0n), { instanceOf: RangeError });
      return;
    }
    const last = size - 1n;
    t.false(b.allocate(last));
    b.release(last);
    t.false(b.has(last));
    t.is(b.allocateNext(), last);
    t.is(b.used, Number(size));
  });
}

test('sparse-bitmap › out-of-range offsets throw a RangeError; release out of range is a no-op', (t) => {
  const b = new SparseBitmap({ size: SLASH64, random: firstFree });
  for (const o of [-1n, SLASH64, SLASH64 + 1n]) {
    t.throws(() => b.allocate(o), { instanceOf: RangeError });
    t.false(b.has(o));
    b.release(o);
  }
  t.throws(() => b.allocate(1 as unknown as bigint), { instanceOf: RangeError });
  t.true(b.allocate(SLASH64 - 1n));
  b.release(SLASH64 - 2n);
  t.is(b.used, 1);
  t.is(b.free, SLASH64 - 1n);
});

test('sparse-bitmap › constructor rejects bad sizes and bands with a RangeError', (t) => {
  const bad = [
    { size: -1n },
    { size: MAX_SPARSE_SIZE + 1n },
    { size: 10 as unknown as bigint },
    { size: 10n, staticBandSize: 11 },
    { size: 10n, staticBandSize: -1 },
    { size: 10n, staticBandSize: 1.5 },
  ];
  for (const opts of bad) t.throws(() => new SparseBitmap({ ...opts, random: firstFree }), { instanceOf: RangeError });
  t.notThrows(() => new SparseBitmap({ size: MAX_SPARSE_SIZE, staticBandSize: 256, random: firstFree }));
});

test('sparse-bitmap › a /25-sized map with a band of 16 fills the upper band first', (t) => {
  const b = new SparseBitmap({ size: 126n, staticBandSize: 16, random: seededRandom(25) });
  const got: bigint[] = [];
  for (let i = 0; i < 110; i++) got.push(b.allocateNext() as bigint);
  t.true(got.every((o) => o >= 16n && o < 126n));
  t.is(b.free, 16n);
  for (let o = 0n; o < 16n; o++) t.true(b.allocate(o));
  b.release(9n);
  t.is(b.allocateNext(), 9n);
  t.is(b.allocateNext(), undefined);
});

// Several pages per band, and a band edge inside a page: the upper band is exhausted first.
test('sparse-bitmap › over several pages the lower band is used only once the upper band is full', (t) => {
  const band = SPARSE_PAGE_BITS + 904;
  const size = BigInt(4 * SPARSE_PAGE_BITS + 77);
  const b = new SparseBitmap({ size, staticBandSize: band, random: seededRandom(9) });
  const upper = Number(size) - band;
  const got: bigint[] = [];
  for (let o = b.allocateNext(); o !== undefined; o = b.allocateNext()) got.push(o);
  t.is(got.length, Number(size));
  t.is(new Set(got).size, got.length);
  t.true(got.slice(0, upper).every((o) => o >= BigInt(band)), 'upper band first');
  t.true(got.slice(upper).every((o) => o < BigInt(band)), 'then the lower band');
});

test('sparse-bitmap › memory follows allocations: pages open on demand and are freed when empty', (t) => {
  const b = new SparseBitmap({ size: SLASH64, staticBandSize: 256, random: seededRandom(64) });
  const got: bigint[] = [];
  for (let i = 0; i < 10_000; i++) got.push(b.allocateNext() as bigint);
  t.is(new Set(got).size, 10_000);
  t.true(got.every((o) => o >= 256n));
  // 10000 offsets fill ceil(10000/4096) = 3 zone pages; each may straddle two snapshot pages.
  t.true(b.snapshot().pages.length <= 6, `pages ${b.snapshot().pages.length}`);
  for (const o of got) b.release(o);
  t.is(b.used, 0);
  t.deepEqual(b.snapshot().pages, []);
});

test('sparse-bitmap › allocateNext reads few words near the top of a /64', (t) => {
  const b = new SparseBitmap({ size: SLASH64, staticBandSize: 256, random: seededRandom(5) });
  let max = 0;
  for (let i = 0; i < 20_000; i++) {
    b.allocateNext();
    max = Math.max(max, b.lastScanWords);
  }
  t.true(max <= 16, `max words ${max}`);
});

test('sparse-bitmap › forEach is ascending across both bands', (t) => {
  const b = new SparseBitmap({ size: SLASH64, staticBandSize: 256, random: firstFree });
  const want = [SLASH64 - 1n, 0n, 255n, 256n, 4351n, 4352n, 2n ** 40n];
  for (const o of want) b.allocate(o);
  const seen: bigint[] = [];
  b.forEach((o) => seen.push(o));
  t.deepEqual(seen, [...want].sort((x, y) => (x < y ? -1 : 1)));
});

test('sparse-bitmap › snapshot pages count from offset 0 and restore recounts', (t) => {
  const b = new SparseBitmap({ size: 10_000n, staticBandSize: 100, random: firstFree });
  for (const o of [0n, 99n, 100n, 4095n, 4096n, 9999n]) b.allocate(o);
  const s = b.snapshot();
  t.is(s.size, '10000');
  t.is(s.staticBandSize, 100);
  t.deepEqual(s.pages.map((p) => [p.index, p.data.length]), [['0', 512], ['1', 512], ['2', 226]]);
  t.is(s.pages[0].data[0], 0b1);
  t.is(s.pages[0].data[511], 0x80);
  t.is(s.pages[2].data[225], 0x80);
  const r = SparseBitmap.restore(s, firstFree);
  t.is(r.used, 6);
  t.is(r.free, 10_000n - 6n);
  for (const o of [0n, 99n, 100n, 4095n, 4096n, 9999n]) t.true(r.has(o));
  t.is(r.allocateNext(), 101n, 'restored map keeps the band');
});

test('sparse-bitmap › restore rejects inconsistent snapshots with a TypeError', (t) => {
  const page = (index: string, n = 512) => ({ index, data: new Uint8Array(n) });
  const bad = [
    { size: '-1', staticBandSize: 0, pages: [] },
    { size: '1e3', staticBandSize: 0, pages: [] },
    { size: (2n ** 64n + 1n).toString(), staticBandSize: 0, pages: [] },
    { size: '100', staticBandSize: 101, pages: [] },
    { size: '10000', staticBandSize: 0, pages: [page('3')] },
    { size: '10000', staticBandSize: 0, pages: [page('0'), page('0')] },
    { size: '10000', staticBandSize: 0, pages: [page('1'), page('01')] },
    { size: '10000', staticBandSize: 0, pages: [page('0', 511)] },
    { size: '10001', staticBandSize: 0, pages: [{ index: '2', data: Uint8Array.from({ length: 227 }, () => 0xf0) }] },
    { size: '10000', staticBandSize: 0, pages: 'x' as unknown as [] },
  ];
  for (const s of bad) t.throws(() => SparseBitmap.restore(s, firstFree), { instanceOf: TypeError }, JSON.stringify(s.size));
});
