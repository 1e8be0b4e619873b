/**
 * Orders addresses by (IP text, UID) without comparison sorts. An Endpoints sync of a 5,000-pod
 * Service must cost a few serializations of its 1,000-address result, and a comparison sort of
 * 5,000 strings alone costs more than that. IP texts are short, over a small alphabet, which
 * suits radix methods over their characters, two at a time: an LSD sort for the addresses kept,
 * and, when only the lowest k of many are kept (truncation), an MSD selection that narrows the
 * candidates first so that only k are sorted.
 */
import { plainIPv4Value } from '../shared/pod.js';
import { compareText } from './repack.js';

// Beyond this length (no IP is this long) the radix passes cost more than they save.
const maxRadixLength = 64;

// The characters of IP text, ranked in code order from 1 (0 is "past the end").
const alphabet = '.0123456789:ABCDEFabcdef';
const symbols = alphabet.length + 1;
const buckets = symbols * symbols;
const rankTable = new Int32Array(128);
for (let i = 0; i < alphabet.length; i++) rankTable[alphabet.charCodeAt(i)] = i + 1;

/** The rank of `s[j]`: 0 past the end, -1 for a character no IP text has. */
function rankAt(s: string, j: number): number {
  if (j >= s.length) return 0;
  const c = s.charCodeAt(j);
  const r = c < 128 ? rankTable[c] : 0;
  return r === 0 ? -1 : r;
}

function comparisonSort(ips: readonly string[], uids: readonly string[], ids: ArrayLike<number>): Int32Array {
  const out = Array.from(ids);
  out.sort((a, b) => compareText(ips[a], ips[b]) || compareText(uids[a], uids[b]) || a - b);
  return Int32Array.from(out);
}

/** Sorts `order[start..end)` by UID, then id, in place. */
function sortRunByUID(uids: readonly string[], order: Int32Array, start: number, end: number): void {
  order.set(Array.from(order.subarray(start, end)).sort((a, b) => compareText(uids[a], uids[b]) || a - b), start);
}

/** Sorts runs of equal IP text by UID, in place (runs are rare: one pod IP, several pods). */
function sortRunsByUID(ips: readonly string[], uids: readonly string[], order: Int32Array): Int32Array {
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && ips[order[end]] === ips[order[start]]) end++;
    if (end - start > 1) sortRunByUID(uids, order, start, end);
    start = end;
  }
  return order;
}

/** The bits in which some of `keys[ids[i]]` differ from the first (0 when all are equal), as an unsigned number. */
function differingBits(keys: ArrayLike<number>, ids: ArrayLike<number>): number {
  if (ids.length === 0) return 0;
  const k0 = keys[ids[0]];
  let diff = 0;
  for (let i = 1; i < ids.length; i++) diff |= keys[ids[i]] ^ k0;
  return diff >>> 0;
}

// Canonical IPv4 text (nearly every pod IP) orders as its tuple of octets, each octet ordered as
// text ("1" < "10" < "100" < "2"): a '.' or the end sorts below any digit, so a shorter octet
// that is a prefix of another sorts first, as it does within the whole text. Ranking the 256
// octet texts turns each IP into one 32-bit key whose numeric order is the text order, with
// equal keys exactly for equal texts.
const octetTextRank = new Uint32Array(256);
Array.from({ length: 256 }, (_, v) => String(v))
  .sort(compareText)
  .forEach((text, rank) => (octetTextRank[Number(text)] = rank));

/** 0, 1, … n−1. (A loop: `Int32Array.from` with a map function is many times slower.) */
function positionsUpTo(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * The 32-bit key of canonical IPv4 text from its value ({@link plainIPv4Value}): numeric order
 * of keys is the text order of the IPs ({@link octetTextRank}).
 */
export function ipv4TextKey(value: number): number {
  return octetTextRank[value >>> 24] * 0x1000000 + octetTextRank[(value >>> 16) & 255] * 0x10000 + octetTextRank[(value >>> 8) & 255] * 0x100 + octetTextRank[value & 255];
}

/** Keys of `ips[id]` for each of `ids`, by id; undefined when one is not canonical IPv4. */
function ipv4TextKeys(ips: readonly string[], ids: ArrayLike<number>): Uint32Array | undefined {
  const keys = new Uint32Array(ips.length);
  for (let i = 0; i < ids.length; i++) {
    const v = plainIPv4Value(ips[ids[i]]);
    if (v < 0) return undefined;
    keys[ids[i]] = ipv4TextKey(v);
  }
  return keys;
}

/** `ids` ordered by key (an LSD counting sort by byte, stable), ties by UID then id; `ids` is reused. */
function orderByKey(uids: readonly string[], keys: ArrayLike<number>, ids: Int32Array): Int32Array {
  const m = ids.length;
  let order: Int32Array = ids;
  let next: Int32Array = new Int32Array(m);
  const counts = new Int32Array(257);
  // A byte every key shares (the "10" of 10.x.y.z) decides nothing.
  const diff = differingBits(keys, ids);
  for (let shift = 0; shift < 32; shift += 8) {
    if (((diff >>> shift) & 255) === 0) continue;
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[((keys[order[i]] >>> shift) & 255) + 1]++;
    for (let b = 1; b <= 256; b++) counts[b] += counts[b - 1];
    for (let i = 0; i < m; i++) {
      const id = order[i];
      next[counts[(keys[id] >>> shift) & 255]++] = id;
    }
    const swap = order;
    order = next;
    next = swap;
  }
  // Equal keys are equal IPs: order those runs by UID.
  for (let start = 0; start < m; ) {
    let end = start + 1;
    while (end < m && keys[order[end]] === keys[order[start]]) end++;
    if (end - start > 1) sortRunByUID(uids, order, start, end);
    start = end;
  }
  return order;
}

/**
 * One MSD narrowing step, given each candidate's digit and the count per digit: candidates below
 * the bucket where `taken` reaches `k` join `chosen` (from `taken` on); those in that bucket are
 * the next pool. Undefined when every candidate is in it (the digit decides nothing).
 */
function narrow(pool: Int32Array, digit: ArrayLike<number>, counts: Int32Array, chosen: Int32Array, taken: number, k: number): { pool: Int32Array; taken: number } | undefined {
  let below = 0;
  let straddle = 0;
  while (taken + below + counts[straddle] < k) below += counts[straddle++];
  if (counts[straddle] === pool.length) return undefined;
  const rest = new Int32Array(counts[straddle]);
  let r = 0;
  for (let i = 0; i < pool.length; i++) {
    if (digit[i] < straddle) chosen[taken++] = pool[i];
    else if (digit[i] === straddle) rest[r++] = pool[i];
  }
  return { pool: rest, taken };
}

/** {@link lowestByIPThenUID} over keys: the same MSD narrowing, a byte at a time. */
function lowestByKey(uids: readonly string[], keys: ArrayLike<number>, ids: ArrayLike<number>, k: number): Int32Array {
  const chosen = new Int32Array(k);
  let taken = 0;
  let pool: Int32Array = new Int32Array(ids);
  const counts = new Int32Array(256);
  // Bytes every candidate shares are skipped without a pass.
  const diff = differingBits(keys, pool);
  const digit = new Uint8Array(pool.length);
  for (let shift = 24; shift >= 0 && taken + pool.length > k; shift -= 8) {
    if (((diff >>> shift) & 255) === 0) continue;
    counts.fill(0);
    for (let i = 0; i < pool.length; i++) counts[(digit[i] = (keys[pool[i]] >>> shift) & 255)]++;
    const step = narrow(pool, digit, counts, chosen, taken, k);
    if (step) ({ pool, taken } = step);
  }
  // Candidates left past the last byte share one IP: the UID decides.
  const need = k - taken;
  if (need < pool.length) sortRunByUID(uids, pool, 0, pool.length);
  chosen.set(need < pool.length ? pool.subarray(0, need) : pool, taken);
  return orderByKey(uids, keys, chosen);
}

/**
 * Returns `ids` (indices into `ips`/`uids`; all of them when omitted) ordered by `ips[i]` in code
 * unit order (a prefix first), then `uids[i]`, then index. Text that is not IP-like (or longer
 * than any IP) falls back to a comparison sort; canonical IPv4 text alone is sorted by its
 * 32-bit key ({@link ipv4TextKey}).
 *
 * 1. Copy each text's ranks into a column-major typed array, two characters to a digit.
 * 2. Counting-sort by each digit, last first (LSD); a digit all texts share is skipped.
 * 3. Sort runs of equal IPs by UID.
 */
export function orderByIPThenUID(ips: readonly string[], uids: readonly string[], ids?: ArrayLike<number>): Int32Array {
  const all = ids ?? positionsUpTo(ips.length);
  const n = all.length;
  const keys = ipv4TextKeys(ips, all);
  if (keys) return orderByKey(uids, keys, new Int32Array(all));
  // 1.
  let maxLen = 0;
  for (let i = 0; i < n; i++) if (ips[all[i]].length > maxLen) maxLen = ips[all[i]].length;
  if (maxLen > maxRadixLength) return comparisonSort(ips, uids, all);
  const width = (maxLen + 1) >> 1;
  const digits = new Uint16Array(n * width);
  for (let i = 0; i < n; i++) {
    const s = ips[all[i]];
    for (let j = 0; j < s.length; j++) {
      const r = rankAt(s, j);
      if (r < 0) return comparisonSort(ips, uids, all);
      digits[(j >> 1) * n + i] += j & 1 ? r : r * symbols;
    }
  }
  // 2. Sorts positions 0..n-1 (into `all`), then maps back.
  let order = new Int32Array(n);
  let next = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const counts = new Int32Array(buckets + 1);
  for (let d = width - 1; d >= 0; d--) {
    const base = d * n;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digits[base + i] + 1]++;
    if (counts[digits[base] + 1] === n) continue;
    for (let k = 1; k <= buckets; k++) counts[k] += counts[k - 1];
    for (let i = 0; i < n; i++) {
      const p = order[i];
      next[counts[digits[base + p]]++] = p;
    }
    const swap = order;
    order = next;
    next = swap;
  }
  for (let i = 0; i < n; i++) order[i] = all[order[i]];
  // 3.
  return sortRunsByUID(ips, uids, order);
}

/**
 * Returns the `k` lowest of `ids` by (IP text, UID), sorted, as {@link orderByIPThenUID} would
 * order them; all of `ids` when `k` is not smaller.
 *
 * 1. MSD narrowing: count the candidates by their next digit; those in buckets below the one
 *    where the count reaches `k` are in, those above are out, and the bucket that straddles
 *    `k` goes on to the next digit.
 * 2. Candidates left with identical text are decided by UID.
 * 3. Sort the `k` chosen.
 *
 * When every IP is canonical IPv4, the same steps run over 32-bit keys ({@link ipv4TextKey}),
 * a byte at a time, rather than over the text.
 *
 * @param ipKeys `ipv4TextKey` of each `ips[id]`, by id, when the caller has them (every IP then
 *   canonical IPv4); computed here otherwise.
 */
export function lowestByIPThenUID(ips: readonly string[], uids: readonly string[], ids: ArrayLike<number>, k: number, ipKeys?: ArrayLike<number>): Int32Array {
  if (k >= ids.length) return ipKeys ? orderByKey(uids, ipKeys, new Int32Array(ids)) : orderByIPThenUID(ips, uids, ids);
  if (k <= 0) return new Int32Array(0);
  const keys = ipKeys ?? ipv4TextKeys(ips, ids);
  if (keys) return lowestByKey(uids, keys, ids, k);
  const chosen = new Int32Array(k);
  let taken = 0;
  let pool: Int32Array = new Int32Array(ids);
  const counts = new Int32Array(buckets);
  // 1.
  let digit = new Uint16Array(pool.length);
  for (let pos = 0; taken + pool.length > k; pos += 2) {
    counts.fill(0);
    let longest = 0;
    for (let i = 0; i < pool.length; i++) {
      const s = ips[pool[i]];
      if (s.length > longest) longest = s.length;
      const hi = rankAt(s, pos);
      const lo = rankAt(s, pos + 1);
      // Only the characters that decide are read; one no IP has sends everything to the fallback.
      if (hi < 0 || lo < 0 || s.length > maxRadixLength) return comparisonSort(ips, uids, ids).slice(0, k);
      const d = hi * symbols + lo;
      digit[i] = d;
      counts[d]++;
    }
    if (pos >= longest) break;
    // A digit every candidate shares (the "10" of 10.x.y.z) decides nothing.
    const step = narrow(pool, digit, counts, chosen, taken, k);
    if (!step) continue;
    ({ pool, taken } = step);
    digit = digit.subarray(0, pool.length);
  }
  // 2.
  const need = k - taken;
  const tied = need < pool.length ? sortRunsByUID(ips, uids, pool.slice()).subarray(0, need) : pool;
  chosen.set(tied, taken);
  // 3.
  return orderByIPThenUID(ips, uids, chosen);
}
