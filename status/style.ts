/**
 * Colours and glyphs of `svcplane status`. Colours are a handful of SGR codes written here
 * rather than a dependency (docs/decisions/006-status-folder.md): they go on only on a terminal,
 * and never when NO_COLOR is set (https://no-color.org). The structure of the output is the same
 * either way; only the glyphs of the bars and the escape codes differ.
 */

/** Wraps text in colours, and names the bar glyphs. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  /** A used cell of a bar. */
  readonly barUsed: string;
  /** A free cell of a bar. */
  readonly barFree: string;
}

/** How to style: colours, and block glyphs (a terminal) or ASCII ones (a pipe or file). */
export interface StyleOptions {
  color: boolean;
  unicode: boolean;
}

const sgr = (open: number, close: number) => (s: string) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);
const same = (s: string) => s;

/** Returns the style of `opts`. */
export function styleFor(opts: StyleOptions): Style {
  const glyphs = opts.unicode ? { barUsed: '█', barFree: '░' } : { barUsed: '#', barFree: '.' };
  if (!opts.color) return { bold: same, dim: same, red: same, yellow: same, green: same, cyan: same, ...glyphs };
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), cyan: sgr(36, 39), ...glyphs };
}

/** Plain ASCII: what pipes, files and tests get. */
export const plainStyle: Style = styleFor({ color: false, unicode: false });

/** True when colours should be used: a terminal, and NO_COLOR unset or empty. */
export function shouldColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return isTTY && !env.NO_COLOR;
}

/** Removes SGR escape codes (the tests compare a coloured frame's structure with a plain one). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}
