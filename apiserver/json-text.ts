/**
 * The JSON text of stored objects, kept beside them. A stored object never changes (it is
 * deep-frozen), so the text of each of its large members is computed once and remembered, and a
 * later version that keeps a member (the spec a label or status update leaves alone) reuses that
 * member's text rather than serialising it again. kube-apiserver's watch cache keeps encoded
 * objects for the same reason (staging/src/k8s.io/apiserver/pkg/storage/cacher/caching_object.go).
 *
 * The text is exactly `JSON.stringify(obj)`: members in the same order, undefined members left
 * out. Only plain JSON is stored, so no `toJSON` or non-JSON value can tell the two apart.
 */

/** Frozen member → its JSON text. Weak: a text lives as long as some stored version holds its member. */
const texts = new WeakMap<object, string>();

/**
 * Members whose text is at least this long are remembered; shorter ones cost less to serialise
 * again than to remember (a WeakMap entry each): Services, Endpoints and IPAddresses are made of
 * short members.
 */
const MIN_KEPT_CHARS = 256;

/**
 * Whole texts of the objects stored last, oldest first. A write's answer and its watch events
 * read the text in the same turn; keeping it for every stored version would double the text kept
 * in history, and an older version composes its text again from its members' texts.
 */
const recent = new Map<object, { text: string; bytes?: Buffer }>();
const RECENT_MAX = 256;

/**
 * The JSON text of a stored object, `JSON.stringify(obj)`, composed from its members' remembered
 * texts; frozen members not seen before are serialised and remembered. Members that are not
 * frozen are serialised and not remembered (they may change).
 */
export function storedJson(obj: object): string {
  return recent.get(obj)?.text ?? compose(obj as Record<string, unknown>, false);
}

/**
 * `storedJson(obj)` as UTF-8 bytes. For an object stored last, encoded once and shared: the
 * write's answer and every watch line of the change carry the same bytes, so the text is not
 * encoded again for each of them.
 */
export function storedJsonBytes(obj: object): Buffer {
  const entry = recent.get(obj);
  if (entry === undefined) return Buffer.from(compose(obj as Record<string, unknown>, false), 'utf8');
  return (entry.bytes ??= Buffer.from(entry.text, 'utf8'));
}

/**
 * The JSON text of an object about to be frozen and stored, its members' texts remembered
 * (`commit` calls it just before `freezeJson`): serialising a plain object is faster than
 * serialising the frozen one, and the write's answer and watch events need the text at once.
 * The caller must freeze `obj` before anything else can change it.
 */
export function rememberJsonBeforeFreeze(obj: object): string {
  const text = compose(obj as Record<string, unknown>, true);
  recent.set(obj, { text });
  if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value as object);
  return text;
}

/**
 * The JSON text of a list answer, `JSON.stringify(list)` with every item as a list item (no kind
 * or apiVersion, as built-in types' list items are written): the items may be the stored objects
 * themselves (`MemoryListOptions.isShared`), composed from their members' remembered texts
 * rather than copied and serialised whole.
 */
export function listJson(list: { items: readonly object[] }): string {
  let out = '{';
  let isFirst = true;
  for (const [key, v] of Object.entries(list)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += isFirst ? JSON.stringify(key) + ':' : ',' + JSON.stringify(key) + ':';
    isFirst = false;
    if (key !== 'items') {
      out += JSON.stringify(v);
      continue;
    }
    const items = v as readonly object[];
    out += '[';
    for (let i = 0; i < items.length; i++) out += (i > 0 ? ',' : '') + compose(items[i] as Record<string, unknown>, false, true);
    out += ']';
  }
  return out + '}';
}

// `isFreezing`: every member is about to be frozen, so its text can be remembered; otherwise
// only frozen members' texts are. `isListItem`: leave out kind and apiVersion.
function compose(o: Record<string, unknown>, isFreezing: boolean, isListItem = false): string {
  let out = '{';
  let isFirst = true;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (isListItem && (key === 'kind' || key === 'apiVersion')) continue;
    out += isFirst ? JSON.stringify(key) + ':' : ',' + JSON.stringify(key) + ':';
    isFirst = false;
    out += v !== null && typeof v === 'object' ? memberText(v, isFreezing) : JSON.stringify(v);
  }
  return out + '}';
}

function memberText(v: object, isFreezing: boolean): string {
  const known = texts.get(v);
  if (known !== undefined) return known;
  const text = JSON.stringify(v);
  if (text.length >= MIN_KEPT_CHARS && (isFreezing || Object.isFrozen(v))) texts.set(v, text);
  return text;
}
