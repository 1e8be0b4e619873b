import test from 'ava';
import { Writable } from 'node:stream';
import { createLogger } from '../../../controllers/runtime/logger.js';

function sink(isTTY: boolean) {
  const lines: string[] = [];
  const s = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }) as Writable & { isTTY?: boolean };
  s.isTTY = isTTY;
  return { s, lines };
}

test('logger › JSON lines with level and message when not on a terminal, below-level dropped', (t) => {
  const { s, lines } = sink(false);
  const log = createLogger({ level: 'info', destination: s });
  log.debug('hidden');
  log.info({ service: 'default/web' }, 'allocated');
  t.is(lines.length, 1);
  const rec = JSON.parse(lines[0]) as Record<string, unknown>;
  t.is(rec.level, 30);
  t.is(rec.msg, 'allocated');
  t.is(rec.service, 'default/web');
  t.regex(String(rec.time), /^\d{4}-\d\d-\d\dT/);
});

test('logger › readable text when asked for, not JSON', (t) => {
  const { s, lines } = sink(false);
  createLogger({ format: 'text', destination: s }).warn({ key: 'a/b' }, 'retrying');
  const out = lines.join('');
  t.regex(out, /WARN/);
  t.regex(out, /retrying/);
  t.throws(() => JSON.parse(out));
});
