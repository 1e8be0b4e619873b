import test from 'ava';
import { Bitmap, MAX_DENSE_SIZE } from '../../allocators/bitmap.js';
import { firstFree, seededRandom } from '../../allocators/random.js';

const sizes = [0, 1, 31, 32, 33, 1000, 2 ** 20];

for (const size of sizes) {
  test(`bitmap › size ${size}: first-fit fill, allocate, release, has, used, free`, (t) => {
    const b = new Bitmap({ size, random: firstFree });
    t.is(b.size, size);
    t.is(b.staticBandSize, 0);
    t.is(b.used, 0);
    t.is(b.free, size);
    let misses = 0;
    for (let i = 0; i < size; i++) if (b.allocateNext() !== i) misses++;
    t.is(misses, 0, 'first-fit returns offsets in order');
    t.is(b.allocateNext(), undefined, 'a full map has nothing left');
    t.is(b.used, size);
    t.is(b.free, 0);
    if (size === 0) {
      t.throws(() => b.allocate(0), { instanceOf: RangeError });
      return;
    }
    const last = size - 1;
    t.true(b.has(last));
    t.false(b.allocate(last), 'allocating an allocated offset reports false');
    b.release(last);
    t.false(b.has(last));
    t.is(b.free, 1);
    t.is(b.allocateNext(), last);
    b.release(0);
    t.true(b.allocate(0));
    t.is(b.used, size);
  });
}

test('bitmap › out-of-range offsets throw a RangeError with the upstream wording', (t) => {
  const b = new Bitmap({ size: 10, random: firstFree });
  for (const o of [-1, 10, 11, 1.5, Number.NaN]) {
    t.throws(() => b.allocate(o), { instanceOf: RangeError });
    t.false(b.has(o));
  }
  t.throws(() => b.allocate(10), { message: 'offset 10 out of range [0,10]' });
});

test('bitmap › releasing a free or out-of-range offset is a no-op', (t) => {
  const b = new Bitmap({ size: 64, random: firstFree });
  b.allocate(3);
  b.release(4);
  b.release(-1);
  b.release(64);
  t.is(b.used, 1);
  t.true(b.has(3));
  b.release(3);
  b.release(3);
  t.is(b.used, 0);
  t.is(b.free, 64);
});

test('bitmap › constructor rejects bad sizes and bands with a RangeError', (t) => {
  const bad = [
    { size: -1 },
    { size: 1.5 },
    { size: MAX_DENSE_SIZE + 1 },
    { size: 10, staticBandSize: 11 },
    { size: 10, staticBandSize: -1 },
    { size: 10, staticBandSize: 0.5 },
  ];
  for (const opts of bad) t.throws(() => new Bitmap({ ...opts, random: firstFree }), { instanceOf: RangeError });
  const largest = new Bitmap({ size: MAX_DENSE_SIZE, random: firstFree });
  t.true(largest.allocate(MAX_DENSE_SIZE - 1));
  t.is(largest.free, MAX_DENSE_SIZE - 1);
});

// Upstream TestAllocateReserved (pkg/registry/core/service/ipallocator/bitmap_test.go) on a /25:
// 126 usable addresses, a static band of 16.
test('bitmap › a /25 with a band of 16 fills the upper band first', (t) => {
  for (const random of [firstFree, seededRandom(25)]) {
    const b = new Bitmap({ size: 126, staticBandSize: 16, random });
    const got: number[] = [];
    for (let i = 0; i < 110; i++) got.push(b.allocateNext() as number);
    t.deepEqual([...got].sort((x, y) => x - y), Array.from({ length: 110 }, (_, i) => i + 16));
    t.is(b.free, 16);
    for (let o = 0; o < 16; o++) t.true(b.allocate(o));
    t.is(b.free, 0);
    b.release(9);
    t.is(b.allocateNext(), 9);
    t.is(b.allocateNext(), undefined);
  }
});

test('bitmap › the lower band is used only once the upper band is full', (t) => {
  const b = new Bitmap({ size: 100, staticBandSize: 40, random: seededRandom(3) });
  const got = Array.from({ length: 100 }, () => b.allocateNext() as number);
  t.true(got.slice(0, 60).every((o) => o >= 40));
  t.true(got.slice(60).every((o) => o < 40));
  t.is(new Set(got).size, 100);
});

test('bitmap › a map that is all static band still allocates', (t) => {
  const b = new Bitmap({ size: 5, staticBandSize: 5, random: firstFree });
  t.deepEqual(Array.from({ length: 6 }, () => b.allocateNext()), [0, 1, 2, 3, 4, undefined]);
});

test('bitmap › forEach visits allocated offsets in ascending order', (t) => {
  const b = new Bitmap({ size: 1000, random: firstFree });
  const want = [999, 0, 31, 32, 33, 500, 64, 63];
  for (const o of want) b.allocate(o);
  const seen: number[] = [];
  b.forEach((o) => seen.push(o));
  t.deepEqual(seen, [...want].sort((x, y) => x - y));
});

test('bitmap › snapshot is LSB-first bytes and restore recounts', (t) => {
  const b = new Bitmap({ size: 10, staticBandSize: 2, random: firstFree });
  b.allocate(0);
  b.allocate(9);
  const s = b.snapshot();
  t.deepEqual(s, { size: 10, staticBandSize: 2, data: Uint8Array.from([0b1, 0b10]) });
  const r = Bitmap.restore(s, firstFree);
  t.is(r.used, 2);
  t.is(r.staticBandSize, 2);
  t.true(r.has(9));
  t.is(r.allocateNext(), 2, 'restored map keeps the band');
  s.data[0] = 0xff;
  t.false(b.has(1), 'the snapshot does not alias the map');
});

test('bitmap › restore rejects inconsistent snapshots with a TypeError', (t) => {
  const bad = [
    { size: 10, staticBandSize: 0, data: new Uint8Array(1) },
    { size: 10, staticBandSize: 0, data: Uint8Array.from([0, 0b100]) },
    { size: -1, staticBandSize: 0, data: new Uint8Array(0) },
    { size: 8, staticBandSize: 9, data: new Uint8Array(1) },
    { size: 8, staticBandSize: 0, data: [0] as unknown as Uint8Array },
  ];
  for (const s of bad) t.throws(() => Bitmap.restore(s, firstFree), { instanceOf: TypeError });
});

test('bitmap › allocateNext reads O(levels) words on a 2^20 map at 99.99% occupancy', (t) => {
  const size = 2 ** 20;
  const words = size / 32;
  const b = new Bitmap({ size, staticBandSize: 256, random: seededRandom(12) });
  const target = Math.floor(size * 0.9999);
  while (b.used < target) b.allocateNext();
  let max = 0;
  for (let o = b.allocateNext(); o !== undefined; o = b.allocateNext()) max = Math.max(max, b.lastScanWords);
  t.is(b.free, 0);
  t.true(max <= words / 32, `max words ${max}`);
  // 4 levels: at most 4 searches of 2 * 4 - 1 words, plus 3 summary updates.
  t.true(max <= 31, `max words ${max}`);
});
