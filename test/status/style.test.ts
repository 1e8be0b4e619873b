import test from 'ava';
import { shouldColor, stripAnsi, styleFor } from '../../status/style.js';

test('shouldColor › only on a terminal, and NO_COLOR (non-empty) turns it off', (t) => {
  t.true(shouldColor(true, {}));
  t.false(shouldColor(false, {}));
  t.false(shouldColor(true, { NO_COLOR: '1' }));
  t.true(shouldColor(true, { NO_COLOR: '' }), 'an empty NO_COLOR does not count (no-color.org)');
});

test('styleFor › colours wrap text in SGR codes that stripAnsi removes; no colour is the identity', (t) => {
  const c = styleFor({ color: true, unicode: false });
  t.is(c.red('x'), '\x1b[31mx\x1b[39m');
  t.is(c.bold(''), '', 'empty text gets no codes');
  t.is(stripAnsi(c.yellow(c.bold('warn'))), 'warn');
  t.is(styleFor({ color: false, unicode: true }).red('x'), 'x');
  t.deepEqual([styleFor({ color: false, unicode: true }).barUsed, styleFor({ color: false, unicode: false }).barUsed], ['█', '#']);
});
