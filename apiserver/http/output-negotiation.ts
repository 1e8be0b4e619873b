/**
 * The form of an answer: JSON, indented JSON or YAML, by kube-apiserver's output negotiation
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go:
 * NegotiateOutputMediaType, NegotiateOutputMediaTypeStream and isPrettyPrint; the YAML is
 * apimachinery's json serializer with Yaml set, JSON turned into YAML with sorted keys).
 *
 * kube-apiserver also serves protobuf; this server does not, so a request that accepts nothing
 * but protobuf is answered 406 here where kube-apiserver would send protobuf, and a protobuf
 * clause before a JSON one yields to it.
 */
import type { ServerResponse } from 'node:http';
import { stringify as stringifyYaml } from 'yaml';
import { type ApiError, notAcceptable } from '../errors.js';
import { sendJsonText } from './respond.js';
import { firstAcceptable, type TableTarget } from './table-negotiation.js';

/** How to write a request's answer. */
export interface Output {
  mediaType: 'json' | 'yaml';
  /** Indented JSON (`?pretty=true`, an Accept parameter `pretty=1`, or a curl, Wget or browser User-Agent). */
  isPretty: boolean;
  /** The Table the request asked for, if any (always written as JSON). */
  table?: TableTarget;
}

/** The answer almost every client gets. */
export const PLAIN_JSON: Readonly<Output> = Object.freeze({ mediaType: 'json', isPretty: false });

/** What Go's strconv.ParseBool reads as true; anything it does not parse is false. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/**
 * isPrettyPrint: a non-empty `pretty` parameter decides (true only for what ParseBool reads as
 * true); without one, a User-Agent of curl, Wget or a browser gets indented JSON.
 */
export function isPrettyPrint(q: URLSearchParams, userAgent: string | undefined): boolean {
  const pretty = q.get('pretty');
  if (pretty) return GO_TRUE.has(pretty);
  return userAgent !== undefined && (userAgent.startsWith('curl') || userAgent.startsWith('Wget') || userAgent.startsWith('Mozilla/5.0'));
}

const ACCEPTED = ['application/json', 'application/yaml'];
/** What a watch can be written in (MediaTypesForSerializer's stream types, protobuf aside). */
const ACCEPTED_STREAM = ['application/json;stream=watch'];

/**
 * The form of the answer to a request with these headers. `isStream`: a watch, which only JSON
 * can carry (a YAML clause picked first is a 406, as it has no stream serializer upstream);
 * `isWatchList`: a streaming list, which cannot be a Table. Throws a 406 ApiError when the
 * Accept header lists nothing this server writes.
 */
export function negotiateOutput(accept: string | undefined, q: URLSearchParams, userAgent: string | undefined, isStream = false, isWatchList = false): Output {
  const isPretty = isPrettyPrint(q, userAgent);
  // What nearly every request sends: no negotiation to do.
  if (accept === undefined || accept === '' || accept === 'application/json' || accept === '*/*') return isPretty ? { mediaType: 'json', isPretty } : PLAIN_JSON;
  const picked = firstAcceptable(accept, isWatchList, (subType) => subType !== 'vnd.kubernetes.protobuf');
  if (picked === undefined) throw notAcceptable(isStream ? ACCEPTED_STREAM : ACCEPTED);
  if (isStream && !picked.served.canStream) throw notAcceptable(ACCEPTED_STREAM);
  const output: Output = { mediaType: picked.served.subType === 'yaml' ? 'yaml' : 'json', isPretty: isPretty || picked.clause.params.get('pretty') === '1' };
  if (picked.outcome !== 'plain') output.table = picked.outcome;
  return output;
}

/**
 * Sends JSON text (or its UTF-8 bytes) in the negotiated form. Plain JSON goes out as it is;
 * the other forms are made from it (they are asked for by people, not by controllers).
 */
export function sendOutput(res: ServerResponse, code: number, output: Output, json: string | Buffer, headers: Record<string, string> = {}): void {
  if (output.mediaType === 'json' && !output.isPretty) return sendJsonText(res, code, json, headers);
  const value: unknown = JSON.parse(typeof json === 'string' ? json : json.toString('utf8'));
  if (output.mediaType === 'json') return sendJsonText(res, code, JSON.stringify(value, null, 2), headers);
  sendJsonText(res, code, toYaml(value), { ...headers, 'Content-Type': 'application/yaml' });
}

/**
 * YAML as sigs.k8s.io/yaml's JSONToYAML writes it: keys sorted, list items at their parent's
 * indentation, no line folding, and YAML 1.1 quoting (so `"yes"` stays a string to a Go reader).
 */
export function toYaml(value: unknown): string {
  return stringifyYaml(value, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}

/**
 * Sends an ApiError's Status (with Retry-After when it carries one) in the form the request
 * negotiates, as kube-apiserver's ErrorNegotiated does: YAML or indented JSON when asked for;
 * when the request negotiates nothing, indented JSON (WriteObjectNegotiated falls back to
 * WriteRawJSON, which indents), so a 406 is indented JSON.
 */
export function sendErrorOutput(res: ServerResponse, err: ApiError, accept: string | undefined, q: URLSearchParams, userAgent: string | undefined): void {
  let output: Output;
  try {
    output = negotiateOutput(accept, q, userAgent);
  } catch {
    output = { mediaType: 'json', isPretty: true };
  }
  const headers: Record<string, string> = {};
  if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.retryAfterSeconds);
  sendOutput(res, err.code, output, JSON.stringify(err.status), headers);
}
