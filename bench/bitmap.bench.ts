/**
 * Benchmark of the allocation bitmaps against a plain re-implementation of upstream's strategy
 * (pkg/registry/core/service/allocator/bitmap.go, randomScanStrategyWithOffset: random start,
 * bit-by-bit scan, wrap inside the band).
 *
 * Figures:
 * 1. AllocateNext filling a /12 (1048574 usable) from empty to full, ours / baseline.
 * 2. AllocateNext on a /12 at 99.99% occupancy, ours / baseline, and the most words one call read.
 * 3. SparseBitmap on a /64 with 1,000,000 allocated: bytes per allocated address, and its
 *    per-call allocateNext time over the dense /12's.
 */
import { Bitmap } from '../allocators/bitmap.js';
import type { RandomSource } from '../allocators/random.js';
import { seededRandom } from '../allocators/random.js';
import { SparseBitmap } from '../allocators/sparse-bitmap.js';
import { atMost, findGc, heapBytes, median, timeMedian } from './harness.js';
import type { Report } from './harness.js';

const REPS = 5;
/** A /12 less the network and broadcast addresses, with KEP-3070's band of 256. */
const SIZE = 2 ** 20 - 2;
const BAND = 256;
const SLASH64 = 2n ** 64n - 1n;

/** Upstream's strategy over a packed bit array (LSB-first bytes, the snapshot format). */
class BaselineBitmap {
  used = 0;
  constructor(
    readonly size: number,
    readonly band: number,
    readonly bits: Uint8Array,
    private readonly random: RandomSource,
  ) {}

  static from(b: Bitmap, random: RandomSource): BaselineBitmap {
    const baseline = new BaselineBitmap(b.size, b.staticBandSize, b.snapshot().data, random);
    baseline.used = b.used;
    return baseline;
  }

  /** Random start in [lo, hi), then one bit at a time with wrap. */
  private scan(lo: number, hi: number): number {
    const n = hi - lo;
    const start = this.random.intBelow(n);
    for (let i = 0; i < n; i++) {
      const o = lo + ((start + i) % n);
      if ((this.bits[o >>> 3] & (1 << (o & 7))) === 0) return o;
    }
    return -1;
  }

  allocateNext(): number | undefined {
    if (this.used === this.size) return undefined;
    let o = this.band < this.size ? this.scan(this.band, this.size) : -1;
    if (o < 0) o = this.scan(0, this.band);
    this.bits[o >>> 3] |= 1 << (o & 7);
    this.used++;
    return o;
  }

  release(o: number): void {
    if ((this.bits[o >>> 3] & (1 << (o & 7))) === 0) return;
    this.bits[o >>> 3] &= ~(1 << (o & 7));
    this.used--;
  }
}

function fillDense(seed: number): Bitmap {
  const b = new Bitmap({ size: SIZE, staticBandSize: BAND, random: seededRandom(seed) });
  while (b.allocateNext() !== undefined);
  return b;
}

/**
 * Integral over [x1, x2] of the power law c(x) = c1 * (x / x1)^k through (x1, c1) and (x2, c2).
 */
function powerLawIntegral(x1: number, c1: number, x2: number, c2: number): number {
  const k = Math.log(c2 / c1) / Math.log(x2 / x1);
  if (!Number.isFinite(k)) return ((c1 + c2) / 2) * (x2 - x1);
  if (Math.abs(k + 1) < 1e-9) return c1 * x1 * Math.log(x2 / x1);
  return ((c1 * x1) / (k + 1)) * ((x2 / x1) ** (k + 1) - 1);
}

/**
 * Figure 1. A full baseline fill is quadratic (random-start linear scans cluster like linear
 * probing), so it is integrated instead of run: our allocator, which makes the same choices,
 * fills the map; at free counts N, N/2, N/4 … 1 the state is copied into the baseline and a batch
 * of baseline calls is timed (median of 5). The per-call cost as a function of the free count is
 * integrated over all N calls as a power law between neighbouring samples (the cost grows like a
 * power of N/free; the trapezoid rule would overstate a convex curve and flatter us).
 */
function figureFill(report: Report): void {
  const oursMs = timeMedian(REPS, () => undefined, () => void fillDense(1));
  const ours = new Bitmap({ size: SIZE, staticBandSize: BAND, random: seededRandom(2) });
  const samples: { free: number; perCallMs: number }[] = [];
  for (let free = SIZE; free >= 1; free = free === 1 ? 0 : Math.max(1, Math.floor(free / 2))) {
    while (ours.free > free) ours.allocateNext();
    const batch = Math.max(1, Math.min(256, Math.floor(free / 8)));
    const ms = timeMedian(REPS, () => BaselineBitmap.from(ours, seededRandom(free)), (b) => {
      for (let i = 0; i < batch; i++) b.allocateNext();
    });
    samples.push({ free, perCallMs: ms / batch });
  }
  let baselineMs = samples[samples.length - 1].perCallMs; // the call at free = 1
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    baselineMs += powerLawIntegral(b.free, b.perCallMs, a.free, a.perCallMs);
  }
  report(
    atMost('AllocateNext filling a /12 (1048574) from empty to full, ours/baseline', oursMs / baselineMs, 0.05,
      `ours ${oursMs.toFixed(0)} ms measured (median of ${REPS}); baseline ${(baselineMs / 1000).toFixed(1)} s integrated from ` +
      `${samples.length} occupancy levels (per-call ${(samples[0].perCallMs * 1e6).toFixed(0)} ns empty → ` +
      `${(samples[samples.length - 1].perCallMs * 1e3).toFixed(0)} µs at 1 free)`),
  );
}

/**
 * Figure 2. Steady state at 99.99%: each timed step allocates then releases, so the occupancy
 * stays put; the same start state for both.
 */
function figureNearlyFull(report: Report): void {
  const ours = new Bitmap({ size: SIZE, staticBandSize: BAND, random: seededRandom(3) });
  const free = Math.ceil(SIZE * 0.0001);
  while (ours.free > free) ours.allocateNext();
  const snap = ours.snapshot();
  const oursCalls = 100_000;
  let maxWords = 0;
  const oursMs = timeMedian(REPS, () => Bitmap.restore(snap, seededRandom(4)), (b) => {
    for (let i = 0; i < oursCalls; i++) {
      const o = b.allocateNext() as number;
      if (b.lastScanWords > maxWords) maxWords = b.lastScanWords;
      b.release(o);
    }
  });
  const baseCalls = 100;
  const baseMs = timeMedian(REPS, () => BaselineBitmap.from(ours, seededRandom(5)), (b) => {
    for (let i = 0; i < baseCalls; i++) b.release(b.allocateNext() as number);
  });
  const oursPer = oursMs / oursCalls;
  const basePer = baseMs / baseCalls;
  const words = Math.ceil(SIZE / 32);
  report(
    atMost('AllocateNext on a /12 at 99.99% occupancy, ours/baseline', oursPer / basePer, 0.01,
      `${free} free; ours ${(oursPer * 1e6).toFixed(0)} ns/call, baseline ${(basePer * 1e3).toFixed(1)} µs/call`),
  );
  report(
    atMost('  max words read by one allocateNext at 99.99%, / (words/32)', maxWords / (words / 32), 1,
      `max ${maxWords} words of ${words} (limit ${words / 32})`),
  );
}

/**
 * Figure 3a. Memory of a sparse /64 after 1,000,000 allocateNext calls: the heap plus
 * typed-array backing stores, after full collections, before and after. Run first, before the
 * other figures leave garbage behind.
 */
function figureSparseMemory(report: Report): void {
  const n = 1_000_000;
  const gc = findGc();
  const collect = (): void => {
    gc?.();
    gc?.();
  };
  collect();
  const before = heapBytes();
  const kept = new SparseBitmap({ size: SLASH64, staticBandSize: BAND, random: seededRandom(6) });
  for (let i = 0; i < n; i++) kept.allocateNext();
  collect();
  const after = heapBytes();
  if (gc) {
    report(atMost('SparseBitmap /64 with 1,000,000 allocated: bytes per allocated address', (after - before) / n, 64,
      `heap + external delta after gc: ${((after - before) / 1024).toFixed(0)} KiB for ${kept.used} addresses`));
  } else {
    // No gc available: estimate from the page count (~0.7 KiB per 4096-bit page with its summaries).
    const pages = kept.snapshot().pages.length;
    report(atMost('SparseBitmap /64 with 1,000,000 allocated: bytes per allocated address', (pages * 800) / n, 64,
      `estimated from ${pages} snapshot pages at ~800 B each (no gc available)`));
  }
}

/** CPU time of this process in ms (user + system): steadier than wall time on a shared machine. */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/**
 * Figure 3b. Per-call allocateNext time: 1,000,000 calls on a sparse /64 against a full dense /12
 * fill, run alternately so both see the same machine load; the median of the per-round ratios
 * of process CPU time (the machine is shared, so wall time mostly measures the neighbours).
 */
function figureSparseSpeed(report: Report): void {
  const n = 1_000_000;
  const ratios: number[] = [];
  const sparseNs: number[] = [];
  const denseNs: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const s = new SparseBitmap({ size: SLASH64, staticBandSize: BAND, random: seededRandom(7 + r) });
    let t0 = cpuMs();
    for (let i = 0; i < n; i++) s.allocateNext();
    const sparse = ((cpuMs() - t0) / n) * 1e6;
    t0 = cpuMs();
    fillDense(8 + r);
    const dense = ((cpuMs() - t0) / SIZE) * 1e6;
    sparseNs.push(sparse);
    denseNs.push(dense);
    ratios.push(sparse / dense);
  }
  report(
    atMost('SparseBitmap /64 allocateNext per call / dense /12 per call', median(ratios), 2,
      `median of ${REPS} alternating rounds, CPU time: sparse ${median(sparseNs).toFixed(0)} ns/call over 1M calls, ` +
      `dense ${median(denseNs).toFixed(0)} ns/call over a full /12 fill`),
  );
}

/** Runs the bitmap figures. */
export async function run(report: Report): Promise<void> {
  figureSparseMemory(report);
  figureFill(report);
  figureNearlyFull(report);
  figureSparseSpeed(report);
}
