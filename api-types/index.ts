/** Wire-shape types and well-known names. No client import. */
export type * from './meta.js';
export type * from './core.js';
export type * from './networking.js';
export * from './well-known.js';
