/**
 * Aligned columns for the status view: widths come from the plain text, colour is applied after
 * padding, so escape codes never shift a column. The last column is not padded (no trailing
 * spaces). Pure.
 */

/** One cell: its text and, optionally, how to colour it. */
export interface Cell {
  text: string;
  paint?: (s: string) => string;
}

/** A cell from text or a Cell. */
export type CellInput = string | Cell;

function cellOf(c: CellInput): Cell {
  return typeof c === 'string' ? { text: c } : c;
}

/**
 * Lays out `rows` (the first may be a header) in columns separated by `gap` spaces, each line
 * prefixed by `indent`.
 */
export function layoutTable(rows: readonly (readonly CellInput[])[], indent = '  ', gap = 2): string[] {
  const cells = rows.map((r) => r.map(cellOf));
  const widths: number[] = [];
  for (const row of cells) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c.text].length)));
  return cells.map((row) => {
    const parts = row.map((c, i) => {
      const padded = i === row.length - 1 ? c.text : c.text + ' '.repeat(widths[i] - [...c.text].length);
      const painted = c.paint ? c.paint(c.text) + padded.slice(c.text.length) : padded;
      return painted;
    });
    return (indent + parts.join(' '.repeat(gap))).trimEnd();
  });
}

/** Formats a count with thousands separators (`1,048,574`), independent of the locale. */
export function formatCount(n: number | bigint): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
