/**
 * Orders thousands of addresses by (IP text, UID) without a comparison sort. An Endpoints sync
 * of a 5,000-pod Service must cost a few serializations of the result, and a comparison sort of
 * 5,000 strings alone costs more than that; IP texts are short, over a small alphabet, which suits an LSD
 * radix sort over their characters, two at a time (8 passes for IPv4, 20 at most for IPv6).
 */
import { compareText } from './repack.js';

function comparisonOrder(ips: readonly string[], uids: readonly string[]): Int32Array {
  const idx = Array.from({ length: ips.length }, (_, i) => i);
  idx.sort((a, b) => compareText(ips[a], ips[b]) || compareText(uids[a], uids[b]));
  return Int32Array.from(idx);
}

// Beyond this length (no IP is this long) the radix passes cost more than they save.
const maxRadixLength = 64;

// The characters of IP text, ranked in code order from 1 (0 is "past the end").
const alphabet = '.0123456789:ABCDEFabcdef';
const symbols = alphabet.length + 1;
const rankTable = new Int32Array(128);
for (let i = 0; i < alphabet.length; i++) rankTable[alphabet.charCodeAt(i)] = i + 1;

/**
 * Returns the indices 0..n-1 ordered by `ips[i]` (code unit order, a prefix first), then by
 * `uids[i]`, stable for equal pairs. Non-ASCII or overlong text falls back to a comparison sort.
 *
 * 1. Copy every text's character ranks into one typed array, two characters to a digit (0 is
 *    "past the end", so a prefix sorts first). Text that is not IP-like takes the fallback.
 * 2. Counting-sort the indices by each digit, last digit first (LSD).
 * 3. Sort each run of equal IPs by UID (runs are rare: one pod IP, several pods).
 */
export function orderByIPThenUID(ips: readonly string[], uids: readonly string[]): Int32Array {
  const n = ips.length;
  // 1. Ranks follow code order; a character outside the table sends the input to the fallback.
  let maxLen = 0;
  for (let i = 0; i < n; i++) if (ips[i].length > maxLen) maxLen = ips[i].length;
  if (maxLen > maxRadixLength) return comparisonOrder(ips, uids);
  const width = (maxLen + 1) >> 1;
  const digits = new Uint16Array(n * width);
  for (let i = 0; i < n; i++) {
    const s = ips[i];
    const row = i * width;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      const r = c < 128 ? rankTable[c] : 0;
      if (r === 0) return comparisonOrder(ips, uids);
      digits[row + (j >> 1)] += j & 1 ? r : r * symbols;
    }
  }
  // 2.
  const buckets = symbols * symbols;
  let order = new Int32Array(n);
  let next = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const counts = new Int32Array(buckets + 1);
  for (let d = width - 1; d >= 0; d--) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digits[i * width + d] + 1]++;
    for (let k = 1; k <= buckets; k++) counts[k] += counts[k - 1];
    for (let i = 0; i < n; i++) {
      const id = order[i];
      next[counts[digits[id * width + d]]++] = id;
    }
    const swap = order;
    order = next;
    next = swap;
  }
  // 3.
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && ips[order[end]] === ips[order[start]]) end++;
    if (end - start > 1) {
      const run = Array.from(order.subarray(start, end)).sort((a, b) => compareText(uids[a], uids[b]));
      order.set(run, start);
    }
    start = end;
  }
  return order;
}
