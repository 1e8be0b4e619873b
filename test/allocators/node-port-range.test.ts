import test from 'ava';
import fc from 'fast-check';
import { isAllocatorError } from '../../allocators/errors.js';
import { NodePortRange, parseNodePortRange, staticPortBandSizeOf } from '../../allocators/node-port-range.js';
import { firstFree, seededRandom } from '../../allocators/random.js';

const parsed: { flag: string; want: { base: number; size: number } }[] = [
  { flag: '30000-32767', want: { base: 30000, size: 2768 } },
  { flag: '30000+2768', want: { base: 30000, size: 2768 } },
  { flag: '30000', want: { base: 30000, size: 1 } },
  { flag: '30000-30000', want: { base: 30000, size: 1 } },
  { flag: '0-65535', want: { base: 0, size: 65536 } },
  { flag: '65535+1', want: { base: 65535, size: 1 } },
  { flag: ' 30000-32767\n', want: { base: 30000, size: 2768 } },
];
for (const { flag, want } of parsed) {
  test(`node-port-range › parses ${JSON.stringify(flag)}`, (t) => {
    t.deepEqual(parseNodePortRange(flag), want);
  });
}

const rejected: { flag: string; error: typeof TypeError; why: RegExp }[] = [
  { flag: '32767-30000', error: RangeError, why: /end port cannot be less than start port/ },
  { flag: '30000-70000', error: RangeError, why: /cannot be greater than 65535/ },
  { flag: '70000', error: RangeError, why: /cannot be greater than 65535/ },
  { flag: '65535+2', error: RangeError, why: /cannot be greater than 65535/ },
  { flag: '30000+0', error: RangeError, why: /at least 1/ },
  { flag: '', error: TypeError, why: /unable to parse/ },
  { flag: 'abc', error: TypeError, why: /unable to parse/ },
  { flag: '30000-', error: TypeError, why: /unable to parse/ },
  { flag: '30000 - 32767', error: TypeError, why: /unable to parse/ },
  { flag: '-1-5', error: TypeError, why: /unable to parse/ },
  { flag: '30000-32767-1', error: TypeError, why: /unable to parse/ },
];
for (const { flag, error, why } of rejected) {
  test(`node-port-range › rejects ${JSON.stringify(flag)} naming the flag and the value`, (t) => {
    const e = t.throws(() => parseNodePortRange(flag), { instanceOf: error });
    t.regex(e.message, why);
    t.true(e.message.includes('--service-node-port-range'));
    t.true(e.message.includes(JSON.stringify(flag)));
  });
}

const bands: [number, number][] = [
  [1, 0], [16, 0], [17, 16], [512, 16], [2768, 86], [4096, 128], [8192, 128], [65536, 128],
];
for (const [size, want] of bands) {
  test(`node-port-range › static band of ${size} ports is ${want}`, (t) => {
    t.is(staticPortBandSizeOf(size), want);
    t.is(new NodePortRange({ base: 0, size, random: firstFree }).staticBandSize, want);
  });
}

test('node-port-range › default range prefers 30086-32767 and keeps 30000-30085 for explicit requests', (t) => {
  const r = NodePortRange.fromFlag('30000-32767', seededRandom(7));
  t.is(r.staticBandSize, 86);
  for (let i = 0; i < 2768 - 86; i++) {
    const p = r.allocateNext();
    t.true(p >= 30086 && p <= 32767, `got ${p}`);
  }
  t.is(r.free, 86);
  r.allocate(30085);
  r.allocate(30000);
  for (let i = 0; i < 84; i++) {
    const p = r.allocateNext();
    t.true(p > 30000 && p < 30085);
  }
  t.is(r.free, 0);
  t.throws(() => r.allocateNext(), { message: 'range is full', instanceOf: Error });
  r.release(30042);
  t.is(r.allocateNext(), 30042);
});

test('node-port-range › explicit allocation and its errors', (t) => {
  const r = new NodePortRange({ base: 30000, size: 2768, random: firstFree });
  r.allocate(30080);
  t.true(r.has(30080));
  const taken = t.throws(() => r.allocate(30080));
  t.true(isAllocatorError(taken, 'AlreadyAllocated'));
  t.is(taken.message, 'provided port is already allocated');
  for (const p of [29999, 32768, 80]) {
    const e = t.throws(() => r.allocate(p));
    t.true(isAllocatorError(e, 'NotInRange'));
    t.is(e.message, 'provided port is not in the valid range. The range of valid ports is 30000-32767');
  }
  t.throws(() => r.allocate(30000.5), { instanceOf: TypeError });
  t.is(r.used, 1);
  t.is(r.free, 2767);
});

test('node-port-range › release outside the range or of a free port is a no-op', (t) => {
  const r = new NodePortRange({ base: 30000, size: 10, random: firstFree });
  r.allocate(30001);
  r.release(80);
  r.release(30002);
  t.is(r.used, 1);
  r.release(30001);
  t.is(r.used, 0);
  t.false(r.has(30001));
  t.false(r.has(80));
});

test('node-port-range › a single-port range hands out that port once', (t) => {
  const r = NodePortRange.fromFlag('30000', firstFree);
  t.is(r.toString(), '30000-30000');
  t.is(r.allocateNext(), 30000);
  const e = t.throws(() => r.allocateNext());
  t.true(isAllocatorError(e, 'RangeFull'));
});

test('node-port-range › toString, contains, isInStaticBand and forEach ascending', (t) => {
  const r = NodePortRange.fromFlag('30000+2768', firstFree);
  t.is(r.toString(), '30000-32767');
  t.true(r.contains(30000));
  t.true(r.contains(32767));
  t.false(r.contains(32768));
  t.true(r.isInStaticBand(30085));
  t.false(r.isInStaticBand(30086));
  for (const p of [32000, 30001, 31000]) r.allocate(p);
  const seen: number[] = [];
  r.forEach((p) => seen.push(p));
  t.deepEqual(seen, [30001, 31000, 32000]);
});

test('node-port-range › constructor rejects bad bases and sizes', (t) => {
  t.throws(() => new NodePortRange({ base: 65535, size: 2 }), { instanceOf: RangeError });
  t.throws(() => new NodePortRange({ base: 30000, size: 0 }), { instanceOf: RangeError });
  t.throws(() => new NodePortRange({ base: -1, size: 5 }), { instanceOf: RangeError });
  t.throws(() => new NodePortRange({ base: 1.5, size: 5 }), { instanceOf: RangeError });
});

test('node-port-range › snapshot and restore round-trip; another range is MismatchedNetwork', (t) => {
  const r = NodePortRange.fromFlag('30000-32767', seededRandom(1));
  for (let i = 0; i < 50; i++) r.allocateNext();
  r.allocate(30001);
  const snap = r.snapshot();
  t.is(snap.range, '30000-32767');
  const copy = NodePortRange.fromSnapshot(snap, seededRandom(2));
  const a: number[] = [];
  const b: number[] = [];
  r.forEach((p) => a.push(p));
  copy.forEach((p) => b.push(p));
  t.deepEqual(b, a);
  t.is(copy.used, 51);
  const other = NodePortRange.fromFlag('30000-30999', firstFree);
  other.allocate(30005);
  const e = t.throws(() => other.restore(snap));
  t.true(isAllocatorError(e, 'MismatchedNetwork'));
  t.is(e.message, 'the provided port range does not match the current port range');
  t.true(other.has(30005));
  t.is(other.used, 1);
});

type Op = { kind: 'next' } | { kind: 'alloc' | 'release'; at: number };
const opArb = (size: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.constant<Op>({ kind: 'next' }),
    fc.record({ kind: fc.constantFrom<'alloc' | 'release'>('alloc', 'release'), at: fc.integer({ min: -3, max: size + 3 }) }),
  );
const scenario = fc
  .integer({ min: 1, max: 80 })
  .chain((size) => fc.tuple(fc.constant(size), fc.integer(), fc.array(opArb(size), { maxLength: 120 })));

test('node-port-range › property: allocateNext returns free in-range ports, upper band first, counts agree', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(scenario, ([size, seed, ops]) => {
      const base = 40000;
      const r = new NodePortRange({ base, size, random: seededRandom(seed) });
      const model = new Set<number>();
      const band = r.staticBandSize;
      for (const op of ops) {
        const port = op.kind === 'next' ? 0 : base + op.at;
        if (op.kind === 'next') {
          const upperFree = size - band - [...model].filter((p) => p - base >= band).length;
          if (model.size === size) {
            if (!throwsCode(() => r.allocateNext(), 'RangeFull')) return false;
            continue;
          }
          const p = r.allocateNext();
          if (model.has(p) || p < base || p >= base + size) return false;
          if (upperFree > 0 && p - base < band) return false;
          model.add(p);
        } else if (op.kind === 'alloc') {
          const inRange = op.at >= 0 && op.at < size;
          const want = !inRange ? 'NotInRange' : model.has(port) ? 'AlreadyAllocated' : undefined;
          if (want) {
            if (!throwsCode(() => r.allocate(port), want)) return false;
          } else {
            r.allocate(port);
            model.add(port);
          }
        } else {
          r.release(port);
          model.delete(port);
        }
        if (r.used !== model.size || r.free !== size - model.size) return false;
      }
      const listed: number[] = [];
      r.forEach((p) => listed.push(p));
      return JSON.stringify(listed) === JSON.stringify([...model].sort((a, b) => a - b));
    }),
    { numRuns: 1000 },
  ));
});

test('node-port-range › property: snapshot then restore gives the same allocations', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 60 }), (size, picks) => {
      const r = new NodePortRange({ base: 30000, size, random: firstFree });
      for (const p of picks) {
        r.release(30000 + (p % size));
        r.allocateNext();
      }
      const copy = NodePortRange.fromSnapshot(structuredClone(r.snapshot()), firstFree);
      const a: number[] = [];
      const b: number[] = [];
      r.forEach((p) => a.push(p));
      copy.forEach((p) => b.push(p));
      return copy.used === r.used && JSON.stringify(a) === JSON.stringify(b);
    }),
    { numRuns: 1000 },
  ));
});

function throwsCode(fn: () => unknown, code: 'RangeFull' | 'AlreadyAllocated' | 'NotInRange'): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return isAllocatorError(e, code);
  }
}
