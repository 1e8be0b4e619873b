/**
 * Duplicate members of a JSON create or update body, as kube-apiserver's strict decoding reports
 * them (sigs.k8s.io/json, DisallowDuplicateFields): `duplicate field "spec.replicas"` for each
 * member named again in the same object, with its path written as the decoder writes it (members
 * joined by dots, list items as `[i]`, map keys as members), once per path, and in document order
 * among the unknown fields (`strict decoding error: unknown field "spec.unknownField", duplicate
 * field "spec.replicas"`, the conformance test's words). The value kept is the last one; where
 * both are objects Go's decoder merges the second into the first instead (docs/architecture.md).
 *
 * JSON.parse drops duplicates silently, so a body is first checked cheaply: its member count
 * (colons outside strings) against the parsed value's. Only a body where they differ is read again
 * with jsonc-parser's visitor for the paths.
 *
 * Also here: a JSON patch's own strict errors (`json patch …`), and a YAML body's repeated keys
 * in go-yaml's words, which sigs.k8s.io/yaml's strict conversion reports.
 */
import { visit } from 'jsonc-parser';
import { isMap, isNode, isScalar, LineCounter, parseDocument, visit as visitYaml } from 'yaml';

/** A body with duplicate members: where each is, and in which order every member came. */
export interface DuplicateScan {
  /** Paths named again in their object, each once, with the position of its second naming. */
  duplicates: { path: string; at: number }[];
  /** Position of every path's first naming (members counted from 0 in document order). */
  firstAt: Map<string, number>;
}

/**
 * Members in a valid JSON text: its colons outside strings (ASCII, so bytes will do). Strings are
 * skipped with native searches for their closing quote, a quote being escaped when an odd number
 * of backslashes precede it: most of a body is strings, so this reads a 5 KB Pod about four times
 * faster than a loop over every byte.
 */
function membersInText(body: Buffer): number {
  let n = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== 0x22) {
      if (c === 0x3a) n++;
      i++;
      continue;
    }
    let end = body.indexOf(0x22, i + 1);
    while (end > 0 && isEscaped(body, end)) end = body.indexOf(0x22, end + 1);
    if (end < 0) return n;
    i = end + 1;
  }
  return n;
}

/** Whether the quote at `at` is escaped: an odd number of backslashes before it. */
function isEscaped(body: Buffer, at: number): boolean {
  let slashes = 0;
  for (let k = at - 1; body[k] === 0x5c; k--) slashes++;
  return slashes % 2 === 1;
}

/** Members in a parsed JSON value, at every depth. */
function membersInValue(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += membersInValue(item);
    return n;
  }
  const members = value as Record<string, unknown>;
  for (const name in members) n += 1 + membersInValue(members[name]);
  return n;
}

/** `spec.ports[0].name` for member `name` of the object at `path`. */
function pathText(path: readonly (string | number)[], name: string): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out === '' ? name : `${out}.${name}`;
}

/**
 * The duplicate members of `body` (the JSON text `parsed` came from, before anything is pruned
 * from it), or undefined when it has none.
 */
export function scanDuplicates(body: Buffer, parsed: unknown): DuplicateScan | undefined {
  if (membersInText(body) === membersInValue(parsed)) return undefined;
  const scan: DuplicateScan = { duplicates: [], firstAt: new Map() };
  const reported = new Set<string>();
  const open: Set<string>[] = [];
  let at = 0;
  visit(body.toString('utf8'), {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (name, _offset, _length, _line, _column, pathOf) => {
      const names = open[open.length - 1];
      const path = pathText(pathOf(), name);
      if (!names.has(name)) {
        names.add(name);
        scan.firstAt.set(path, at);
      } else if (!reported.has(path)) {
        reported.add(path);
        scan.duplicates.push({ path, at });
      }
      at++;
    },
  });
  return scan;
}

/**
 * The strict decoding errors of a body in the order the decoder meets them: each unknown field
 * where it is first named, each duplicate where it is named again. A duplicate at or inside an
 * unknown member is not reported: the decoder skips unknown members whole.
 */
export function strictDecodingErrors(unknownPaths: readonly string[], scan: DuplicateScan | undefined): string[] {
  const unknown = unknownPaths.map((path) => `unknown field "${path}"`);
  if (!scan) return unknown;
  const inUnknown = (path: string) => unknownPaths.some((u) => path === u || path.startsWith(`${u}.`) || path.startsWith(`${u}[`));
  const found = [
    ...unknownPaths.map((path, i) => ({ text: unknown[i], at: scan.firstAt.get(path) ?? Number.MAX_SAFE_INTEGER })),
    ...scan.duplicates.filter((d) => !inUnknown(d.path)).map((d) => ({ text: `duplicate field "${d.path}"`, at: d.at })),
  ];
  return found.sort((a, b) => a.at - b.at).map((f) => f.text);
}

/**
 * A JSON patch's own strict errors (patch.go applyJSPatch decodes it into `[]jsonPatchOp`
 * strictly): each member of an operation other than op, path, from and value, and each duplicate,
 * prefixed `json patch`, in document order.
 */
export function jsonPatchStrictErrors(body: Buffer, ops: unknown): string[] {
  if (!Array.isArray(ops)) return [];
  const unknown: string[] = [];
  ops.forEach((op, i) => {
    if (op === null || typeof op !== 'object' || Array.isArray(op)) return;
    for (const name of Object.keys(op)) if (!JSON_PATCH_MEMBERS.has(name)) unknown.push(`[${i}].${name}`);
  });
  const scan = scanDuplicates(body, ops) ?? (unknown.length > 0 ? { duplicates: [], firstAt: firstNamings(body) } : undefined);
  return strictDecodingErrors(unknown, scan).map((e) => `json patch ${e}`);
}

const JSON_PATCH_MEMBERS: ReadonlySet<string> = new Set(['op', 'path', 'from', 'value']);

/** Where each path is first named, for ordering errors in a body with no duplicate. */
function firstNamings(body: Buffer): Map<string, number> {
  const firstAt = new Map<string, number>();
  let at = 0;
  visit(body.toString('utf8'), {
    onObjectProperty: (name, _offset, _length, _line, _column, pathOf) => {
      const path = pathText(pathOf(), name);
      if (!firstAt.has(path)) firstAt.set(path, at);
      at++;
    },
  });
  return firstAt;
}

/**
 * The error sigs.k8s.io/yaml's YAMLToJSONStrict gives a YAML text with a key repeated in one
 * map, in go-yaml v2's words (`yaml: unmarshal errors:` then `  line N: key "x" already set in
 * map` for each repeat, N the line of the repeat's value), or undefined when there is none or the text is not
 * YAML (its parse reports that).
 */
export function yamlDuplicateKeys(text: string): string | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, logLevel: 'silent' });
  if (doc.errors.length > 0) return undefined;
  const repeats: { offset: number; text: string }[] = [];
  visitYaml(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        // go-yaml names the line of the repeat's value (the key's, when it has none), and says
        // so once that value is decoded: repeats inside it come first.
        const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
        const valueRange = isNode(pair.value) ? pair.value.range : undefined;
        const start = valueRange?.[0] ?? keyRange?.[0] ?? 0;
        const end = valueRange?.[1] ?? keyRange?.[1] ?? 0;
        repeats.push({ offset: end, text: `  line ${lineCounter.linePos(start).line}: key ${typeof key === 'string' ? JSON.stringify(key) : String(key)} already set in map` });
      }
    },
  });
  repeats.sort((a, b) => a.offset - b.offset);
  return repeats.length > 0 ? `yaml: unmarshal errors:\n${repeats.map((r) => r.text).join('\n')}` : undefined;
}
