/**
 * `npm run bench [-- name-filter]`: runs every bench/*.bench.ts (or those whose file name contains
 * the filter) and prints one line per figure; exits 1 when a figure misses its target.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Figure } from './harness.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
const figures: Figure[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run: (r: (f: Figure) => void) => Promise<void> | void };
  console.log(`# ${file}`);
  await mod.run((f) => {
    figures.push(f);
    const v = Math.abs(f.value) >= 100 ? f.value.toFixed(0) : f.value.toPrecision(3);
    console.log(`${f.ok ? 'ok  ' : 'MISS'} ${f.name}: ${v} (target ${f.target})${f.detail ? ` — ${f.detail}` : ''}`);
  });
}
const missed = figures.filter((f) => !f.ok).length;
console.log(`\n${figures.length - missed} of ${figures.length} figures met their targets (node ${process.version})`);
process.exitCode = missed ? 1 : 0;
