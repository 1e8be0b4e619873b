/**
 * The formatting helpers kube-apiserver's printers share: human durations
 * (apimachinery pkg/util/duration/duration.go HumanDuration), ages (printers.go
 * translateTimestampSince), label maps and selectors (apimachinery pkg/labels Set.String,
 * pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector), "+ N more..." lists and column
 * definitions. Everything here reads plain JSON defensively: an object of a kind this server
 * stores without type validation may hold anything.
 */
import type { LabelSelector } from '../../api-types/meta.js';
import { SWAGGER_DOCS, type SwaggerDocKey } from './descriptions.js';
import type { TableColumnDefinition } from './types.js';

/** A column: `name` and `type`, with the description of a documented field or literal text. */
export function column(name: string, type: string, description: SwaggerDocKey | { text: string }, opts: { priority?: number; format?: string } = {}): TableColumnDefinition {
  const text = typeof description === 'string' ? SWAGGER_DOCS[description] : description.text;
  return { name, type, format: opts.format ?? '', description: text, priority: opts.priority ?? 0 };
}

/** The Name column every printer starts with (but the Event printer, which ends with it). */
export const NAME_COLUMN = column('Name', 'string', 'ObjectMeta.name', { format: 'name' });

/** The Age column: a duration the server computed, typed `string` as upstream types it. */
export const AGE_COLUMN = column('Age', 'string', 'ObjectMeta.creationTimestamp');

/** `v` when it is a string, else ''. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `v` when it is a finite number, else 0 (the Go zero value). */
export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** `v` when it is an array, else []. */
export function list<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

/** `v` when it is a plain object, else {}. */
export function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A metav1.Time or MicroTime as epoch ms; undefined for the zero time (absent or unparsable). */
export function timestampMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A duration as kubectl prints ages: about two significant figures (`45s`, `3m20s`, `5h10m`,
 * `3d4h`, `2y31d`). Up to a second in the future reads `0s`; further is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** The time since a timestamp, humanly (`<unknown>` for the zero time): printers.go translateTimestampSince. */
export function since(timestamp: unknown, nowMs: number): string {
  const ms = timestampMs(timestamp);
  return ms === undefined ? '<unknown>' : humanDuration(nowMs - ms);
}

/** The Age cell of an object. */
export function age(obj: { metadata?: { creationTimestamp?: unknown } }, nowMs: number): string {
  return since(obj.metadata?.creationTimestamp, nowMs);
}

/** `k=v,k2=v2` sorted by key, `<none>` when empty (labels.FormatLabels). */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(record(labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${str(v)}`).join(',');
}

/**
 * A LabelSelector as labels.Selector.String() writes it: requirements sorted by key, `k=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. Empty (and absent) selectors are ''; a selector with
 * an unknown operator is undefined (LabelSelectorAsSelector fails).
 */
export function selectorString(selector: LabelSelector | null | undefined): string | undefined {
  const s = record(selector) as LabelSelector;
  const reqs: { key: string; text: string }[] = Object.entries(record(s.matchLabels)).map(([k, v]) => ({ key: k, text: `${k}=${str(v)}` }));
  for (const e of list<unknown>(s.matchExpressions).map(record)) {
    const key = str(e.key);
    const values = list<unknown>(e.values).map(str).sort();
    const text = { In: `${key} in (${values.join(',')})`, NotIn: `${key} notin (${values.join(',')})`, Exists: key, DoesNotExist: `!${key}` }[str(e.operator)];
    if (text === undefined) return undefined;
    reqs.push({ key, text });
  }
  // A stable sort by key, as the selector's Add sorts its requirements.
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => r.text).join(',');
}

/** The first `max` items joined by commas, then ` + N more...`; `<unset>` when empty (printers.go listWithMoreString). */
export function listWithMore(items: readonly string[], max = 3): string {
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  const joined = items.join(',');
  return joined === '' ? '<unset>' : joined;
}

/** Names and images of containers, each comma-joined (printers.go layoutContainerCells). */
export function containerCells(containers: unknown): [string, string] {
  const cs = list<Record<string, unknown>>(containers).map(record);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}
