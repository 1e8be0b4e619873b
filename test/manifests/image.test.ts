/**
 * The image the Dockerfile builds holds every source file the `svcplane` command can load. The
 * development machines have no container engine, so the image is never built here: instead the
 * test follows every import, static and dynamic (`await import('../status/main.js')`), from
 * cmd/svcplane.mjs and checks each local file it reaches lies under a path the Dockerfile
 * COPYs, that the .dockerignore leaves it in the build context, and that every package it
 * imports is a production dependency (the image installs with `npm ci --omit=dev`). It also
 * reads the stages: one supported Node.js major in both, and code the runtime user cannot write.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';

const root = path.resolve(import.meta.dirname, '../..');

/** The repository paths the runtime stage copies from the build context (`COPY <src…> <dest>`). */
function copiedPaths(dockerfile: string): string[] {
  const stages = dockerfile.split(/^FROM /m);
  const runtime = stages[stages.length - 1];
  const out: string[] = [];
  for (const line of runtime.split('\n')) {
    const m = /^COPY\s+(.*)$/.exec(line.trim());
    // A COPY --from copies out of another stage, not out of the build context.
    if (!m || m[1].includes('--from=')) continue;
    const words = m[1].split(/\s+/).filter((w) => !w.startsWith('--'));
    out.push(...words.slice(0, -1).map((w) => w.replace(/^\.\//, '').replace(/\/$/, '')));
  }
  return out;
}

/**
 * What a source file imports: `import … from '…'` and `export … from '…'` statements (across
 * lines), side-effect `import '…'`, and dynamic `import('…')`. Statements are matched at the
 * start of a line, so a comment that quotes `from "N"` is not one.
 */
function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*(['"])([^'"]+)\1/gm)) out.push(m[2]);
  for (const m of text.matchAll(/^\s*import\s*(['"])([^'"]+)\1/gm)) out.push(m[2]);
  for (const m of text.matchAll(/\bimport\(\s*(['"])([^'"]+)\1\s*\)/g)) out.push(m[2]);
  return out;
}

/** The local specifiers a source file imports (`./`, `../`). */
function localImports(text: string): string[] {
  return importSpecifiers(text).filter((spec) => spec.startsWith('.'));
}

/** The packages a source file imports (`node:` built-ins left out), by package name. */
function packageImports(text: string): string[] {
  return importSpecifiers(text)
    .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'))
    .map((spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
}

/** Every local source file reachable from `entry`, as paths relative to the repository root. */
async function reachable(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(path.join(root, file), 'utf8');
    for (const spec of localImports(text)) {
      // Sources import `.js` and run as `.ts` through tsx.
      const target = path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts');
      pending.push(target);
    }
  }
  return seen;
}

test('image › the Dockerfile copies every source file the svcplane command can import', async (t) => {
  const copied = copiedPaths(await readFile(path.join(root, 'Dockerfile'), 'utf8'));
  const files = await reachable('cmd/svcplane.mjs');
  // Sanity: the walk found the lazily imported status command and the controllers.
  t.true(files.has('status/main.ts'));
  t.true([...files].some((f) => f.startsWith('controllers/')));
  const missing = [...files].filter((f) => !copied.some((c) => f === c || f.startsWith(`${c}/`)));
  t.deepEqual(missing, [], `not copied into the image: ${missing.join(', ')}`);
});

test('image › the .dockerignore keeps every copied path in the build context', async (t) => {
  const copied = copiedPaths(await readFile(path.join(root, 'Dockerfile'), 'utf8'));
  const ignored = (await readFile(path.join(root, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const matches = (pattern: string, p: string): boolean =>
    pattern.startsWith('*') ? p.endsWith(pattern.slice(1)) : p === pattern || p.startsWith(`${pattern}/`);
  const dropped = copied.filter((c) => ignored.some((pattern) => matches(pattern, c)));
  t.deepEqual(dropped, []);
  t.true(copied.includes('package.json'));
});

test('image › every package the svcplane command imports is a production dependency', async (t) => {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const used = new Set<string>();
  for (const f of await reachable('cmd/svcplane.mjs')) for (const name of packageImports(await readFile(path.join(root, f), 'utf8'))) used.add(name);
  t.true(used.has('@kubernetes/client-node'));
  t.deepEqual([...used].filter((name) => !(name in pkg.dependencies)), []);
});

test('image › localImports reads static, side-effect and dynamic imports, not packages', (t) => {
  const text = [
    "import a from './a.js';", "import './b.js';", "const c = await import('../c/d.js');", "import x from 'yaml';", 'export { e } from "./e.js";',
    'import {', '  f,', "} from './f.js';", " * from 'N', a comment", "import type { G } from './g.js';",
  ].join('\n');
  t.deepEqual(localImports(text).sort(), ['../c/d.js', './a.js', './b.js', './e.js', './f.js', './g.js']);
  t.deepEqual(packageImports(`${text}\nimport { w } from '@bufbuild/protobuf/wire';\nimport fs from 'node:fs';`), ['yaml', '@bufbuild/protobuf']);
});

/** The Node.js major of a stage's base image: `node:24-slim`, `gcr.io/distroless/nodejs24-debian12:nonroot`. */
function nodeMajorOf(image: string): number | undefined {
  const m = /(?:^|\/)node(?:js)?[:]?(\d+)(?:[-.:@]|$)/.exec(image);
  return m ? Number(m[1]) : undefined;
}

test('image › nodeMajorOf reads the official and the distroless image names', (t) => {
  t.is(nodeMajorOf('node:24-slim'), 24);
  t.is(nodeMajorOf('gcr.io/distroless/nodejs24-debian12:nonroot'), 24);
  t.is(nodeMajorOf('gcr.io/distroless/nodejs20-debian12'), 20);
  t.is(nodeMajorOf('debian:12'), undefined);
});

test('image › both stages run the same Node.js major, one that is not past end of life (20 was, on 2026-04-30)', async (t) => {
  const dockerfile = await readFile(path.join(root, 'Dockerfile'), 'utf8');
  const images = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  t.is(images.length, 2, 'a deps stage and a runtime stage');
  const majors = images.map(nodeMajorOf);
  t.deepEqual(majors, [majors[0], majors[0]], `the dependencies are installed by the Node.js that runs them: ${images.join(', ')}`);
  t.true((majors[0] ?? 0) >= 24, images.join(', '));
});

test('image › the runtime stage runs as a non-root user that owns none of the code (COPY without --chown)', async (t) => {
  const stages = (await readFile(path.join(root, 'Dockerfile'), 'utf8')).split(/^FROM /m);
  const runtime = stages[stages.length - 1];
  const copies = runtime.split('\n').filter((l) => /^COPY\s/.test(l.trim()));
  t.true(copies.some((l) => l.includes('--from=deps') && l.includes('node_modules')), 'node_modules comes from the deps stage');
  t.deepEqual(copies.filter((l) => /--chown|--chmod/.test(l)), []);
  t.regex(runtime, /^USER 65532:65532$/m);
});
