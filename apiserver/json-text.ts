/**
 * The JSON text of stored objects, kept beside them. A stored object never changes (it is
 * deep-frozen), so the text of each of its parts is computed once and remembered, and a later
 * version that keeps a part (the spec a label update leaves alone, the status a spec update keeps,
 * a field manager's unchanged `f:spec` subtree) reuses that part's text rather than serialising it
 * again. kube-apiserver's watch cache keeps encoded objects for the same reason
 * (staging/src/k8s.io/apiserver/pkg/storage/cacher/caching_object.go).
 *
 * The text is exactly `JSON.stringify(obj)`: members in the same order, undefined members left
 * out. Only plain JSON is stored, so no `toJSON` or non-JSON value can tell the two apart.
 */

// Frozen part → its JSON text. Weak: a part's text lives as long as some stored version holds it.
const texts = new WeakMap<object, string>();

// The parts an object's text is composed from, by where they sit: the rest of each object is
// serialised whole. Only these paths are shared between versions often enough to pay for the
// composition: top-level members (a spec a status write keeps), and, when metadata holds
// managedFields, its members, each entry and the top-level members of each fieldsV1 (a manager's
// `f:spec` that an update of labels keeps).
type Plan = 'object' | 'metadata' | 'entries' | 'entry' | 'fields';
const MEMBER_PLAN: Partial<Record<Plan, (key: string) => Plan | undefined>> = {
  object: (key) => (key === 'metadata' ? 'metadata' : undefined),
  metadata: (key) => (key === 'managedFields' ? 'entries' : undefined),
  entry: (key) => (key === 'fieldsV1' ? 'fields' : undefined),
};

/**
 * The JSON text of a stored object, `JSON.stringify(obj)`, composed from its parts' remembered
 * texts; frozen parts not seen before are serialised and remembered. Parts that are not frozen
 * are serialised and not remembered (they may change).
 */
export function storedJson(obj: object): string {
  return textOf(obj, 'object', false);
}

/**
 * The JSON text of an object about to be frozen and stored, its parts' texts remembered
 * (`commit` calls it just before `freezeJson`): serialising a plain object is faster than
 * serialising the frozen one, and the write's answer and watch events need the text at once.
 * The caller must freeze `obj` before anything else can change it.
 */
export function rememberJsonBeforeFreeze(obj: object): string {
  return textOf(obj, 'object', true);
}

/**
 * Parts whose text is at least this long are remembered; shorter ones cost less to serialise
 * again than to remember (a WeakMap entry each), and Services, Endpoints and IPAddresses are made
 * of short parts.
 */
const MIN_KEPT_CHARS = 256;

// `isFreezing`: every part is about to be frozen, so its text can be remembered; otherwise only
// frozen parts' texts are. Composed levels (the object, metadata, managedFields and its entries)
// are not remembered: they change with every version, and recomposing them is a few
// concatenations of their members' texts.
function textOf(v: object, plan: Plan | undefined, isFreezing: boolean): string {
  const known = texts.get(v);
  if (known !== undefined) return known;
  if (plan === 'metadata' && !Array.isArray((v as { managedFields?: unknown }).managedFields)) plan = undefined;
  if (plan !== undefined) return Array.isArray(v) ? arrayText(v, plan === 'entries' ? 'entry' : undefined, isFreezing) : objectText(v as Record<string, unknown>, plan, isFreezing);
  const text = JSON.stringify(v);
  if (text.length >= MIN_KEPT_CHARS && (isFreezing || Object.isFrozen(v))) texts.set(v, text);
  return text;
}

function objectText(o: Record<string, unknown>, plan: Plan, isFreezing: boolean): string {
  // fieldsV1's members are whole subtrees (`f:spec`), each shared between versions as it is.
  const memberPlan = plan === 'fields' ? undefined : MEMBER_PLAN[plan];
  let out = '{';
  let isFirst = true;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += isFirst ? JSON.stringify(key) + ':' : ',' + JSON.stringify(key) + ':';
    isFirst = false;
    out += v !== null && typeof v === 'object' ? textOf(v, memberPlan?.(key), isFreezing) : JSON.stringify(v);
  }
  return out + '}';
}

function arrayText(a: readonly unknown[], plan: Plan | undefined, isFreezing: boolean): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    const v = a[i];
    if (v !== null && typeof v === 'object') out += textOf(v, plan, isFreezing);
    else out += v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : JSON.stringify(v);
  }
  return out + ']';
}
