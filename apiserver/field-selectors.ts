/**
 * Field selectors as the API parses them from `?fieldSelector=` (apimachinery/pkg/fields/selector.go
 * `ParseSelector`): comma-ANDed `k=v`, `k==v`, `k!=v`, with `\` escaping `,`, `=` and `\`. Which
 * labels a resource accepts, and the words of the refusal, follow the field-label conversion
 * functions Kubernetes registers per kind (pkg/apis/core/v1/conversion.go, pkg/apis/events/v1/
 * conversion.go; apimachinery runtime.DefaultMetaV1FieldSelectorConversion for the rest), and the
 * values follow each registry's ToSelectableFields (e.g. pkg/registry/core/pod/strategy.go).
 */
import type { KubeObject } from '../api-types/meta.js';
import type { ResourceInfo } from './resources.js';
import { SelectorError } from './selectors.js';

/** One term of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** A parsed field selector, bound to a resource's selectable fields. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  isEverything(): boolean;
  matches(obj: KubeObject): boolean;
}

type Fields = Record<string, string>;
type Extract = (obj: KubeObject) => Fields;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const at = (obj: unknown, ...path: string[]): unknown => {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
};

const meta = (obj: KubeObject, withNamespace = true): Fields => {
  const f: Fields = { 'metadata.name': str(obj.metadata?.name) };
  if (withNamespace) f['metadata.namespace'] = str(obj.metadata?.namespace);
  return f;
};

/** How one resource converts and exposes field labels. */
interface FieldSet {
  /** Maps an accepted label to its internal name; undefined when the label is refused. */
  convert(label: string): string | undefined;
  /** The refusal message for `label`. */
  refuse(label: string): string;
  extract: Extract;
}

const notSupported = (label: string): string => `field label not supported: ${label}`;

function fixed(labels: string[], extract: Extract, aliases: Record<string, string> = {}): FieldSet {
  const accepted = new Set(labels);
  return {
    convert: (label) => (accepted.has(label) ? label : aliases[label]),
    refuse: notSupported,
    extract,
  };
}

const DEFAULT_FIELDS: FieldSet = {
  convert: (label) => (label === 'metadata.name' || label === 'metadata.namespace' ? label : undefined),
  refuse: (label) => `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
  extract: (obj) => meta(obj),
};

const POD_FIELDS = fixed(
  ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName',
    'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  (obj) => {
    const podIPs = at(obj, 'status', 'podIPs');
    const first = Array.isArray(podIPs) && podIPs.length > 0 ? str(at(podIPs[0], 'ip')) : str(at(obj, 'status', 'podIP'));
    return {
      ...meta(obj),
      'spec.nodeName': str(at(obj, 'spec', 'nodeName')),
      'spec.restartPolicy': str(at(obj, 'spec', 'restartPolicy')),
      'spec.schedulerName': str(at(obj, 'spec', 'schedulerName')),
      'spec.serviceAccountName': str(at(obj, 'spec', 'serviceAccountName')),
      'spec.hostNetwork': at(obj, 'spec', 'hostNetwork') === true ? 'true' : 'false',
      'status.phase': str(at(obj, 'status', 'phase')),
      'status.podIP': first,
      'status.nominatedNodeName': str(at(obj, 'status', 'nominatedNodeName')),
    };
  },
  // Old v1 clients send spec.host (pkg/apis/core/v1/conversion.go).
  { 'spec.host': 'spec.nodeName' },
);

const EVENT_INTERNAL = ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath'];

const CORE_EVENT_FIELDS = fixed(
  [...EVENT_INTERNAL, 'reason', 'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name'],
  (obj) => {
    const f: Fields = { ...meta(obj), reason: str(obj.reason), reportingComponent: str(obj.reportingComponent),
      source: str(at(obj, 'source', 'component')), type: str(obj.type) };
    for (const k of EVENT_INTERNAL) f[k] = str(at(obj, 'involvedObject', k.slice('involvedObject.'.length)));
    return f;
  },
);

// events.k8s.io accepts regarding.* and reportingController, mapped onto the core event's names.
const EVENTS_V1_ALIASES: Record<string, string> = { reportingController: 'reportingComponent' };
for (const k of EVENT_INTERNAL) EVENTS_V1_ALIASES[`regarding.${k.slice('involvedObject.'.length)}`] = k;
const EVENTS_V1_FIELDS = fixed(['reason', 'source', 'type', 'metadata.namespace', 'metadata.name'], (obj) => {
  const f: Fields = { ...meta(obj), reason: str(obj.reason), reportingComponent: str(obj.reportingController),
    source: str(at(obj, 'deprecatedSource', 'component')), type: str(obj.type) };
  for (const k of EVENT_INTERNAL) f[k] = str(at(obj, 'regarding', k.slice('involvedObject.'.length)));
  return f;
}, EVENTS_V1_ALIASES);

const NAMESPACE_FIELDS = fixed(['status.phase', 'metadata.name'], (obj) => ({
  ...meta(obj, false),
  'status.phase': str(at(obj, 'status', 'phase')),
}));

const NODE_FIELDS = fixed(['metadata.name', 'spec.unschedulable'], (obj) => ({
  ...meta(obj, false),
  'spec.unschedulable': at(obj, 'spec', 'unschedulable') === true ? 'true' : 'false',
}));

const SERVICE_FIELDS = fixed(['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'], (obj) => ({
  ...meta(obj),
  'spec.clusterIP': str(at(obj, 'spec', 'clusterIP')),
  'spec.type': str(at(obj, 'spec', 'type')),
}));

function fieldSetFor(r: Pick<ResourceInfo, 'group' | 'resource'>): FieldSet {
  if (r.group === '') {
    switch (r.resource) {
      case 'pods': return POD_FIELDS;
      case 'events': return CORE_EVENT_FIELDS;
      case 'namespaces': return NAMESPACE_FIELDS;
      case 'nodes': return NODE_FIELDS;
      case 'services': return SERVICE_FIELDS;
    }
  }
  if (r.group === 'events.k8s.io' && r.resource === 'events') return EVENTS_V1_FIELDS;
  return DEFAULT_FIELDS;
}

// fields.splitTerms / splitTerm / UnescapeValue.
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unescape(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const n = value[i + 1];
      if (n !== '\\' && n !== ',' && n !== '=') {
        throw new SelectorError('InvalidFieldSelector', `invalid field selector: invalid escape sequence: \\${n ?? ''}`);
      }
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw new SelectorError('InvalidFieldSelector', `invalid field selector: unescaped ${c}`);
    } else {
      out += c;
    }
  }
  return out;
}

function splitTerm(term: string): FieldRequirement {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) {
        return { field: term.slice(0, i), operator: op === '!=' ? '!=' : '=', value: unescape(term.slice(i + op.length)) };
      }
    }
  }
  throw new SelectorError('InvalidFieldSelector', `invalid selector: '${term}'; can't understand '${term}'`);
}

/**
 * Parses a field selector for resource `r` and binds it to that resource's selectable fields.
 * @throws SelectorError: InvalidFieldSelector for syntax, UnsupportedFieldLabel (with Kubernetes'
 *   words for that kind) for a field the resource does not offer.
 */
export function parseFieldSelector(r: Pick<ResourceInfo, 'group' | 'resource'>, text: string): FieldSelector {
  const set = fieldSetFor(r);
  const requirements: FieldRequirement[] = [];
  if (text.trim() !== '') {
    for (const term of splitUnescaped(text, ',')) {
      if (term === '') continue;
      const req = splitTerm(term);
      const field = set.convert(req.field);
      if (field === undefined) throw new SelectorError('UnsupportedFieldLabel', set.refuse(req.field));
      requirements.push({ ...req, field });
    }
  }
  return {
    requirements,
    isEverything: () => requirements.length === 0,
    matches(obj) {
      if (requirements.length === 0) return true;
      const fields = set.extract(obj);
      return requirements.every((q) => ((fields[q.field] ?? '') === q.value) === (q.operator === '='));
    },
  };
}
