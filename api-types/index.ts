/** Wire-shape types, well-known names, and ApiError (a failure answer's Status, shared by clients and the server). No client import. */
export type * from './meta.js';
export type * from './core.js';
export type * from './networking.js';
export * from './well-known.js';
export * from './api-error.js';
