/**
 * Whether a read asks for a meta.k8s.io Table, by kube-apiserver's content negotiation
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go
 * NegotiateMediaTypeOptions over github.com/munnerz/goautoneg ParseAccept, with the request
 * scope's restrictions of handlers/rest.go AllowsMediaTypeTransform and get.go's
 * watchListEndpointRestrictions), and its TableOptions (handlers/response.go optionsForTransform,
 * apimachinery pkg/apis/meta/v1beta1/validation ValidateTableOptions).
 *
 * Which plain media type an answer takes (JSON or YAML, or a 406) is output-negotiation.ts's.
 */
import { badRequest } from '../errors.js';
import type { IncludeObject } from '../tables/convert.js';

/** The Table a request negotiated: its apiVersion, `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`. */
export interface TableTarget {
  groupVersion: string;
}

/** One clause of an Accept header: its media range, quality and other parameters. */
export interface AcceptClause {
  type: string;
  subType: string;
  q: number;
  params: Map<string, string>;
}

/** The media types kube-apiserver serves built-in resources in, in its order; the ones that can stream watches. */
const SERVED = [
  { type: 'application', subType: 'json', canStream: true },
  { type: 'application', subType: 'yaml', canStream: false },
  { type: 'application', subType: 'vnd.kubernetes.protobuf', canStream: true },
];

const META_GROUP_VERSIONS = new Set(['v1', 'v1beta1']);

/** goautoneg's clause order: `a` before `b` when of higher q, or more specific (its Less, not a strict order). */
function isBefore(a: AcceptClause, b: AcceptClause): boolean {
  if (a.q > b.q) return true;
  if (a.type !== '*' && b.type === '*') return true;
  return a.subType !== '*' && b.subType === '*';
}

/** The clauses of an Accept header, in the order goautoneg sorts them (an insertion sort for short lists). */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [range, ...rawParams] = part.trim().split(';');
    const sp = range.split('/');
    const type = sp[0].trim();
    let subType: string;
    if (sp.length === 1 && type === '*') subType = '*';
    else if (sp.length === 2) subType = sp[1].trim();
    else continue;
    const clause: AcceptClause = { type, subType, q: 1, params: new Map() };
    for (const param of rawParams) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const token = param.slice(0, eq).trim();
      if (token === 'q') clause.q = Number.parseFloat(param.slice(eq + 1)) || 0;
      else clause.params.set(token, param.slice(eq + 1).trim());
    }
    clauses.push(clause);
  }
  for (let i = 1; i < clauses.length; i++) {
    for (let j = i; j > 0 && isBefore(clauses[j], clauses[j - 1]); j--) [clauses[j], clauses[j - 1]] = [clauses[j - 1], clauses[j]];
  }
  return clauses;
}

/**
 * What one clause, matched to a served media type, asks for: 'skip' when the endpoint cannot
 * serve it (acceptMediaTypeOptions returning false), a Table, or 'plain' for anything else.
 */
function clauseOutcome(clause: AcceptClause, served: (typeof SERVED)[number], isWatchList: boolean): 'skip' | 'plain' | TableTarget {
  const stream = clause.params.get('stream');
  if (stream && (!served.canStream || stream !== 'watch')) return 'skip';
  // sv names the server's meta version (RequestScope.AllowsServerVersion).
  const sv = clause.params.get('sv');
  if (sv && sv !== 'v1') return 'skip';
  const as = clause.params.get('as');
  const g = clause.params.get('g');
  const v = clause.params.get('v');
  if (as === undefined && g === undefined && v === undefined) return 'plain';
  if (g !== 'meta.k8s.io' || v === undefined || !META_GROUP_VERSIONS.has(v)) return 'skip';
  if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return 'plain';
  if (as !== 'Table' || isWatchList || (served.subType !== 'json' && served.subType !== 'yaml')) return 'skip';
  return { groupVersion: `meta.k8s.io/${v}` };
}

/** The clause negotiation picked, the served media type it matched, and what it asks for. */
export interface Negotiated {
  clause: AcceptClause;
  served: (typeof SERVED)[number];
  outcome: 'plain' | TableTarget;
}

/**
 * The first clause of `accept`, in goautoneg's order, that a served media type can answer
 * (NegotiateMediaTypeOptions), or undefined when none can. `canServe` passes over media types
 * this server cannot write although kube-apiserver can (protobuf).
 */
export function firstAcceptable(accept: string, isWatchList: boolean, canServe: (subType: string) => boolean = () => true): Negotiated | undefined {
  for (const clause of parseAccept(accept)) {
    for (const served of SERVED) {
      const matches = (clause.type === served.type && (clause.subType === served.subType || clause.subType === '*')) || (clause.type === '*' && clause.subType === '*');
      if (!matches || !canServe(served.subType)) continue;
      const outcome = clauseOutcome(clause, served, isWatchList);
      if (outcome !== 'skip') return { clause, served, outcome };
    }
  }
  return undefined;
}

/**
 * The Table a get, list or watch negotiated, or undefined for plain JSON. Requests that do not
 * mention a Table cost one substring search. A streaming-list watch (sendInitialEvents with
 * bookmarks) cannot be a Table, as in kube-apiserver.
 */
export function negotiateTable(accept: string | undefined, isWatchList = false): TableTarget | undefined {
  if (accept === undefined || !accept.includes('Table')) return undefined;
  const picked = firstAcceptable(accept, isWatchList);
  return picked === undefined || picked.outcome === 'plain' ? undefined : picked.outcome;
}

/**
 * The request's `includeObject` (TableOptions): None, Metadata or Object, default Metadata. Any
 * other value is a 400 in kube-apiserver's words.
 */
export function includeObjectFrom(q: URLSearchParams): IncludeObject {
  const value = q.get('includeObject') ?? '';
  if (value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(value)}: must be 'Metadata', 'Object', 'None', or empty`);
}
