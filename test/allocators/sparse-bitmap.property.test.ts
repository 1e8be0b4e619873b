import test from 'ava';
import fc from 'fast-check';
import { SPARSE_PAGE_BITS } from '../../allocators/bitmap-sparse-zone.js';
import { seededRandom } from '../../allocators/random.js';
import { SparseBitmap } from '../../allocators/sparse-bitmap.js';

type Op = { kind: 'allocate' | 'release'; at: number } | { kind: 'next' };

/** Mostly small maps, some spanning a few pages so bands and pages do not line up. */
const scenario = fc
  .oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * SPARSE_PAGE_BITS + 50 }) })
  .chain((size) =>
    fc.record({
      size: fc.constant(size),
      band: fc.integer({ min: 0, max: size }),
      seed: fc.integer(),
      prefill: fc.double({ min: 0, max: 1, noNaN: true }),
      ops: fc.array(
        fc.oneof(
          fc.record({ kind: fc.constantFrom('allocate' as const, 'release' as const), at: fc.integer({ min: -1, max: size }) }),
          fc.constant({ kind: 'next' as const }),
          fc.constant({ kind: 'next' as const }),
        ),
        { maxLength: 60 },
      ),
    }),
  );

test('sparse-bitmap › allocateNext, counts, bands and snapshots agree with a set model', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(scenario, ({ size, band, seed, prefill, ops }) => {
      const b = new SparseBitmap({ size: BigInt(size), staticBandSize: band, random: seededRandom(seed) });
      const model = new Set<number>();
      let upperUsed = 0;
      const add = (o: number) => {
        if (!model.has(o) && o >= band) upperUsed++;
        model.add(o);
      };
      const remove = (o: number) => {
        if (model.has(o) && o >= band) upperUsed--;
        model.delete(o);
      };
      const fill = Math.floor(size * prefill);
      for (let i = 0; i < fill; i++) {
        const o = b.allocateNext();
        if (o === undefined || model.has(Number(o))) return false;
        add(Number(o));
      }
      const all: Op[] = ops;
      for (const op of all) {
        if (op.kind === 'next') {
          const wasFull = model.size === size;
          const wasUpperFull = upperUsed === size - band;
          const got = b.allocateNext();
          if (wasFull) {
            if (got !== undefined) return false;
            continue;
          }
          if (typeof got !== 'bigint') return false;
          const o = Number(got);
          if (o < 0 || o >= size || model.has(o)) return false;
          // The lower band is touched only once the upper band is full.
          if (o < band && !wasUpperFull) return false;
          add(o);
        } else if (op.kind === 'allocate') {
          if (op.at < 0 || op.at >= size) {
            try {
              b.allocate(BigInt(op.at));
              return false;
            } catch (e) {
              if (!(e instanceof RangeError)) return false;
            }
            continue;
          }
          if (b.allocate(BigInt(op.at)) !== !model.has(op.at)) return false;
          add(op.at);
        } else {
          b.release(BigInt(op.at));
          remove(op.at);
        }
        if (b.used !== model.size || b.free !== BigInt(size - model.size)) return false;
      }
      for (const o of [-1, 0, band - 1, band, size - 1, size, ...all.map((op) => ('at' in op ? op.at : 0))]) {
        if (b.has(BigInt(o)) !== model.has(o)) return false;
      }
      const seen: number[] = [];
      b.forEach((o) => seen.push(Number(o)));
      const want = [...model].sort((x, y) => x - y);
      if (seen.join() !== want.join()) return false;
      const r = SparseBitmap.restore(b.snapshot(), seededRandom(seed));
      const again: number[] = [];
      r.forEach((o) => again.push(Number(o)));
      return again.join() === want.join() && r.used === b.used && r.free === b.free && r.staticBandSize === band;
    }),
    { numRuns: 1000 },
  ));
});
