/**
 * Draws the status view as lines: a header, the ranges as bars with their static bands, the
 * Services table, and the suite's latest Warning events. Pure: the view, the time and a style
 * in, lines out; the golden test feeds it a known view.
 */
import type { RangeUse, ServiceRow, StatusView, WarningEventRow } from './model.js';
import { plainStyle, type Style } from './style.js';
import { formatCount, layoutTable, type CellInput } from './table.js';

/** Options of {@link renderStatus}. */
export interface RenderOptions {
  /** The time ages are measured against (ms since the epoch). */
  nowMs: number;
  /** Colours and glyphs. @default plainStyle */
  style?: Style;
  /** Cells of a bar. @default 30 */
  barWidth?: number;
}

/** Returns how many of `width` cells `used` of `size` fills: 0 only when unused, `width` only when full. */
export function barCells(used: bigint, size: bigint, width: number): number {
  if (used <= 0n || size <= 0n) return 0;
  if (used >= size) return width;
  const w = BigInt(width);
  const rounded = Number((used * w + size / 2n) / size);
  return Math.min(width - 1, Math.max(1, rounded));
}

/** Colours by fullness: green below 70%, yellow below 90%, red from there. */
function paintFor(used: bigint, size: bigint, style: Style): (s: string) => string {
  if (size <= 0n) return style.green;
  const permille = (used * 1000n) / size;
  return permille >= 900n ? style.red : permille >= 700n ? style.yellow : style.green;
}

/** A bar `[###.....]` with its used cells coloured. */
function bar(used: bigint, size: bigint, width: number, style: Style): string {
  const n = barCells(used, size, width);
  return `[${paintFor(used, size, style)(style.barUsed.repeat(n))}${style.dim(style.barFree.repeat(width - n))}]`;
}

/** A bar cell: the text is measured without colour, so layoutTable pads it right. */
function barCell(used: bigint, size: bigint, width: number, style: Style): CellInput {
  const painted = bar(used, size, width, style);
  const plain = bar(used, size, width, { ...plainStyle, barUsed: style.barUsed, barFree: style.barFree });
  return { text: plain, paint: () => painted };
}

function rangeRows(r: RangeUse, width: number, style: Style): CellInput[][] {
  const used = BigInt(r.used);
  const rows: CellInput[][] = [
    [{ text: r.kind, paint: style.bold }, r.range, barCell(used, r.size, width, style), `${formatCount(r.used)} used, ${formatCount(r.size - used)} free of ${formatCount(r.size)}`, { text: r.source, paint: style.dim }],
  ];
  const band = r.staticBand;
  if (band) {
    const bandUsed = BigInt(band.used);
    const bandSize = BigInt(band.size);
    rows.push([{ text: '  static band', paint: style.cyan }, `${band.first}-${band.last}`, barCell(bandUsed, bandSize, width, style), `${formatCount(band.used)} used, ${formatCount(band.size - band.used)} free of ${formatCount(band.size)}`, '']);
  }
  return rows;
}

function sliceText(row: ServiceRow): string {
  if (row.slices.length === 0) return '-';
  if (row.slices.length === 1) return row.slices[0].counts.join(' ');
  return row.slices.map((f) => `${f.addressType}: ${f.counts.join(' ')}`).join(' | ');
}

function serviceCells(row: ServiceRow, style: Style): CellInput[] {
  const hasEndpoints = row.endpointsFrom !== 'none';
  const pending = row.clusterIPs.length === 0 && row.type !== 'ExternalName';
  const notes: string[] = [];
  if (row.truncated) notes.push('Endpoints truncated');
  if (row.endpointsFrom === 'Endpoints') notes.push('from Endpoints');
  const noteText = notes.join(', ');
  return [
    row.namespace,
    { text: row.name, paint: style.bold },
    row.type,
    pending ? { text: '<pending>', paint: style.yellow } : row.clusterIPs.length ? row.clusterIPs.join(',') : '-',
    row.nodePorts.length ? row.nodePorts.join(',') : '-',
    hasEndpoints ? { text: String(row.ready), paint: row.ready > 0 ? style.green : undefined } : '-',
    hasEndpoints ? { text: String(row.notReady), paint: row.notReady > 0 ? style.yellow : undefined } : '-',
    sliceText(row),
    { text: noteText, paint: row.truncated ? style.red : style.dim },
  ];
}

/** Formats an age as kubectl does, coarsely: `45s`, `12m`, `5h`, `3d`; `<unknown>` when unreadable. */
export function formatAge(at: string, nowMs: number): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((nowMs - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function eventCells(e: WarningEventRow, nowMs: number, style: Style): CellInput[] {
  return [formatAge(e.at, nowMs), e.namespace, e.regarding, { text: e.reason, paint: style.yellow }, e.controller, String(e.count), e.note];
}

/** Returns the lines of one frame. */
export function renderStatus(view: StatusView, opts: RenderOptions): string[] {
  const style = opts.style ?? plainStyle;
  const width = opts.barWidth ?? 30;
  const scope = view.namespace === undefined ? 'all namespaces' : `namespace ${view.namespace}`;
  const when = new Date(opts.nowMs).toISOString().replace(/\.\d+Z$/, 'Z');
  const lines: string[] = [`${style.bold('svcplane status')}  ${view.server}  ${scope}  ${style.dim(when)}`, ''];

  lines.push(style.bold('RANGES'));
  lines.push(...layoutTable(view.ranges.flatMap((r) => rangeRows(r, width, style))));
  lines.push('');

  const count = view.services.length;
  lines.push(`${style.bold('SERVICES')}  ${count} in ${scope}`);
  if (count === 0) lines.push(style.dim('  (no Services)'));
  else {
    const header = ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IPS', 'NODE-PORTS', 'READY', 'NOT-READY', 'SLICES', 'NOTES'].map((h) => ({ text: h, paint: style.dim }));
    lines.push(...layoutTable([header, ...view.services.map((r) => serviceCells(r, style))]));
  }
  lines.push('');

  lines.push(`${style.bold('WARNING EVENTS')}  latest ${view.events.length} of the suite's controllers (${view.eventsFrom})`);
  if (view.events.length === 0) lines.push(style.dim('  (none)'));
  else {
    const header = ['LAST SEEN', 'NAMESPACE', 'OBJECT', 'REASON', 'FROM', 'COUNT', 'MESSAGE'].map((h) => ({ text: h, paint: style.dim }));
    lines.push(...layoutTable([header, ...view.events.map((e) => eventCells(e, opts.nowMs, style))]));
  }
  return lines;
}
