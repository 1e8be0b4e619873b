/**
 * Orders thousands of addresses by (IP text, UID) without a comparison sort. An Endpoints sync
 * of a 5,000-pod Service must cost a few serializations of the result, and a comparison sort of
 * 5,000 strings alone costs more than that; IP texts are short and ASCII, which suits an LSD
 * radix sort over their characters (about 15 passes for IPv4, 39 at most for IPv6).
 */
import { compareText } from './repack.js';

function comparisonOrder(ips: readonly string[], uids: readonly string[]): Int32Array {
  const idx = Array.from({ length: ips.length }, (_, i) => i);
  idx.sort((a, b) => compareText(ips[a], ips[b]) || compareText(uids[a], uids[b]));
  return Int32Array.from(idx);
}

// Beyond this length (no IP is this long) the radix passes cost more than they save.
const maxRadixLength = 64;

/**
 * Returns the indices 0..n-1 ordered by `ips[i]` (code unit order, a prefix first), then by
 * `uids[i]`, stable for equal pairs. Non-ASCII or overlong text falls back to a comparison sort.
 *
 * 1. Rank the characters that occur (0 stands for "past the end", so a prefix sorts first).
 * 2. Counting-sort the indices by each character position, last position first (LSD).
 * 3. Sort each run of equal IPs by UID (runs are rare: one pod IP, several pods).
 */
export function orderByIPThenUID(ips: readonly string[], uids: readonly string[]): Int32Array {
  const n = ips.length;
  // 1.
  const rank = new Int32Array(128);
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    const s = ips[i];
    if (s.length > maxLen) maxLen = s.length;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c >= 128) return comparisonOrder(ips, uids);
      rank[c] = 1;
    }
  }
  if (maxLen > maxRadixLength) return comparisonOrder(ips, uids);
  let symbols = 1;
  for (let c = 0; c < 128; c++) if (rank[c]) rank[c] = symbols++;
  // 2.
  let order = new Int32Array(n);
  let next = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const counts = new Int32Array(symbols + 1);
  for (let pos = maxLen - 1; pos >= 0; pos--) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const s = ips[i];
      counts[(pos < s.length ? rank[s.charCodeAt(pos)] : 0) + 1]++;
    }
    for (let k = 1; k <= symbols; k++) counts[k] += counts[k - 1];
    for (let i = 0; i < n; i++) {
      const id = order[i];
      const s = ips[id];
      next[counts[pos < s.length ? rank[s.charCodeAt(pos)] : 0]++] = id;
    }
    [order, next] = [next, order];
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
