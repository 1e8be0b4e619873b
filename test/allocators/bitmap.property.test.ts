import test from 'ava';
import fc from 'fast-check';
import { Bitmap } from '../../allocators/bitmap.js';
import { FLAT_MAX_BITS, FlatWordIndex } from '../../allocators/bitmap-flat-words.js';
import { layoutFor, WordIndex, type BitWords } from '../../allocators/bitmap-words.js';
import { seededRandom } from '../../allocators/random.js';

type Op = { kind: 'allocate' | 'release'; at: number } | { kind: 'next' };

/** A size and band, then operations; offsets are fractions of the size so they land in range mostly. */
const scenario = fc
  .integer({ min: 0, max: 300 })
  .chain((size) =>
    fc.record({
      size: fc.constant(size),
      band: fc.integer({ min: 0, max: size }),
      seed: fc.integer(),
      // A prefill pushes many runs close to full, where the band fallback and wrap happen.
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

test('bitmap › allocateNext, counts, bands and snapshots agree with a set model', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(scenario, ({ size, band, seed, prefill, ops }) => {
      const b = new Bitmap({ size, staticBandSize: band, random: seededRandom(seed) });
      const model = new Set<number>();
      const fill = Math.floor(size * prefill);
      for (let i = 0; i < fill; i++) model.add(b.allocateNext() as number);
      const all: Op[] = ops;
      for (const op of all) {
        if (op.kind === 'next') {
          const upperFull = () => { for (let o = band; o < size; o++) if (!model.has(o)) return false; return true; };
          const wasFull = model.size === size;
          const wasUpperFull = upperFull();
          const o = b.allocateNext();
          if (wasFull) {
            if (o !== undefined) return false;
            continue;
          }
          if (o === undefined || !Number.isInteger(o) || o < 0 || o >= size || model.has(o)) return false;
          // The lower band is touched only once the upper band is full.
          if (o < band && !wasUpperFull) return false;
          model.add(o);
        } else if (op.kind === 'allocate') {
          if (op.at < 0 || op.at >= size) {
            try {
              b.allocate(op.at);
              return false;
            } catch (e) {
              if (!(e instanceof RangeError)) return false;
            }
            continue;
          }
          if (b.allocate(op.at) !== !model.has(op.at)) return false;
          model.add(op.at);
        } else {
          b.release(op.at);
          model.delete(op.at);
        }
        if (b.used !== model.size || b.free !== size - model.size) return false;
      }
      for (let o = -1; o <= size; o++) if (b.has(o) !== model.has(o)) return false;
      const seen: number[] = [];
      b.forEach((o) => seen.push(o));
      const want = [...model].sort((x, y) => x - y);
      if (seen.join() !== want.join()) return false;
      const r = Bitmap.restore(b.snapshot(), seededRandom(seed));
      const again: number[] = [];
      r.forEach((o) => again.push(o));
      return again.join() === want.join() && r.used === b.used && r.free === b.free && r.staticBandSize === band;
    }),
    { numRuns: 1000 },
  ));
});

/** Both word engines, each with the most words one findFree may read for a map of `bits` bits. */
const engines: { name: string; maxBits: number; make(bits: number): BitWords; maxScan(bits: number): number }[] = [
  { name: 'WordIndex', maxBits: 40_000, make: (bits) => new WordIndex(layoutFor(bits)), maxScan: (bits) => 2 * layoutFor(bits).lengths.length },
  // One summary level: its own word, the summary words from there on, the word found.
  { name: 'FlatWordIndex', maxBits: FLAT_MAX_BITS, make: (bits) => new FlatWordIndex(bits), maxScan: (bits) => 2 + Math.ceil(bits / 1024) },
];

for (const engine of engines) {
  test(`bitmap › ${engine.name} findFree equals a bit-by-bit scan`, (t) => {
    t.notThrows(() => fc.assert(
      fc.property(
        fc.integer({ min: 1, max: engine.maxBits }).chain((bits) =>
          fc.record({
            bits: fc.constant(bits),
            // Long runs of full words (0xff) are the interesting case: they force climbing.
            bytes: fc.uint8Array({ minLength: Math.ceil(bits / 8), maxLength: Math.ceil(bits / 8) }).map((a) => a.map((x) => (x < 200 ? 0xff : x))),
            from: fc.array(fc.integer({ min: 0, max: bits - 1 }), { minLength: 1, maxLength: 5 }),
          }),
        ),
        ({ bits, bytes, from }) => {
          if ((bits & 7) !== 0) bytes[bytes.length - 1] &= (1 << (bits & 7)) - 1;
          const idx = engine.make(bits);
          if (idx.loadBytes(bytes) !== undefined) return false;
          const isSet = (i: number) => (bytes[i >>> 3] & (1 << (i & 7))) !== 0;
          for (const f of from) {
            let want = -1;
            for (let i = f; i < bits; i++) {
              if (!isSet(i)) {
                want = i;
                break;
              }
            }
            idx.scanned = 0;
            if (idx.findFree(f) !== want) return false;
            if (idx.scanned > engine.maxScan(bits)) return false;
          }
          return true;
        },
      ),
      { numRuns: 1000 },
    ));
  });
}

test('bitmap › the two word engines agree on every operation', (t) => {
  type EngineOp = { kind: 'set' | 'clear' | 'find'; at: number };
  t.notThrows(() => fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5000 }).chain((bits) =>
        fc.record({
          bits: fc.constant(bits),
          // Set-heavy, so maps fill up and whole words turn full and back.
          ops: fc.array(
            fc.record({ kind: fc.constantFrom<EngineOp['kind']>('set', 'set', 'set', 'clear', 'find'), at: fc.integer({ min: 0, max: Math.max(0, bits - 1) }) }),
            { maxLength: 400 },
          ),
        }),
      ),
      ({ bits, ops }) => {
        const a = new WordIndex(layoutFor(bits));
        const b = new FlatWordIndex(bits);
        for (const op of ops as EngineOp[]) {
          if (bits === 0) break;
          if (op.kind === 'set' && a.set(op.at) !== b.set(op.at)) return false;
          if (op.kind === 'clear' && a.clear(op.at) !== b.clear(op.at)) return false;
          // Fill from the found offset, so runs of full words build up.
          if (op.kind === 'find') {
            const found = a.findFree(op.at);
            if (found !== b.findFree(op.at)) return false;
            if (found >= 0 && a.set(found) !== b.set(found)) return false;
          }
          if (a.used !== b.used || a.has(op.at) !== b.has(op.at)) return false;
        }
        const [ba, bb] = [a.toBytes(), b.toBytes()];
        const seen: number[][] = [[], []];
        a.forEach((i) => seen[0].push(i));
        b.forEach((i) => seen[1].push(i));
        return ba.join() === bb.join() && seen[0].join() === seen[1].join() && b.findFree(0) === a.findFree(0);
      },
    ),
    { numRuns: 300 },
  ));
});
