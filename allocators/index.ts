/**
 * The public API of the allocators: strict IP parsing, injected randomness, the dense and sparse
 * bitmaps, the ClusterIP and NodePort ranges (and a cluster's set of ClusterIP ranges, from the
 * flag and its ServiceCIDRs), and their typed errors. The word engines behind the bitmaps
 * (bitmap-words.ts, bitmap-sparse-zone.ts) stay internal.
 */
export * from './errors.js';
export * from './ip.js';
export * from './random.js';
export * from './bitmap.js';
export * from './sparse-bitmap.js';
export * from './cluster-ip-range.js';
export * from './cluster-ip-ranges.js';
export * from './node-port-range.js';
