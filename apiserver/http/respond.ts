/**
 * Writing answers and reading request bodies: JSON with `Content-Type: application/json` on
 * every body (client-node cannot parse a 2xx without it), Status bodies on every error, a
 * `Retry-After` header on 429, and a bounded body reader.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { REQUEST_YAML } from '../patch/apply.js';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from '../errors.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../protobuf/decode.js';
import { ProtobufDecodeError, ProtobufKindError } from '../protobuf/errors.js';

/** kube-apiserver's default request body limit (3 MiB, apiserver MaxRequestBodyBytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Sends `body` as JSON with `code`. */
export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonText(res, code, JSON.stringify(body), headers);
}

/** Sends text (or its UTF-8 bytes) that already is JSON with `code`. */
export function sendJsonText(res: ServerResponse, code: number, text: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': typeof text === 'string' ? Buffer.byteLength(text) : text.length, ...headers });
  res.end(text);
}

/**
 * A Warning header value (RFC 7234 §5.5, code 299 as kube-apiserver sends): the text quoted, with
 * quotes, backslashes and anything outside printable ASCII escaped, so no request can put a line
 * break or a character Node refuses into the header.
 */
export function warningHeader(text: string): string {
  const quoted = text.replace(/["\\]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `299 - "${quoted}"`;
}

/** Adds Warning headers (warningHeader each) to those the answer already carries. */
export function addWarnings(res: ServerResponse, texts: readonly string[]): void {
  const had = res.getHeader('Warning');
  const values = had === undefined ? [] : Array.isArray(had) ? had : [String(had)];
  res.setHeader('Warning', [...values, ...texts.map(warningHeader)]);
}

/** Sends plain text (health checks). */
export function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/**
 * Reads the whole request body; throws 413 past `limit` bytes, with kube-apiserver's words
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go limitedReadBody).
 */
export function readBodyBytes(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  // Plain listeners: an async iterator costs a promise per chunk on the hot write path.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isTooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (isTooLarge) return;
      size += chunk.length;
      // Past the limit keep draining (so the connection can answer) but drop the bytes.
      if (size > limit) isTooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => (isTooLarge ? reject(requestEntityTooLarge(`limit is ${limit}`)) : resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Reads the whole request body as UTF-8 text (see readBodyBytes). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** A Content-Type's media type: parameters such as `charset` dropped, lower case. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether a media type is one parseBody reads as JSON (none given counts as JSON). */
export function isJsonMedia(media: string): boolean {
  return media === '' || media === 'application/json' || media === '*/*';
}

/**
 * Parses the body of a POST, PUT or DELETE by its Content-Type: JSON (or no type), YAML, or
 * Kubernetes' protobuf for the built-in kinds of protobuf/registry.ts (decoded to the JSON a Go
 * client would send). Anything else is 415, as kube-apiserver answers a type it cannot decode.
 */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const media = mediaTypeOf(contentType);
  if (isJsonMedia(media)) return parseJsonBody(body.toString('utf8'));
  if (media === 'application/yaml') {
    const text = body.toString('utf8');
    if (text.trim() === '') return undefined;
    try {
      return parseYaml(text, REQUEST_YAML) as unknown;
    } catch (e) {
      throw badRequest(`couldn't get version/kind; yaml parse error: ${(e as Error).message}`);
    }
  }
  if (media === PROTOBUF_MEDIA_TYPE) return parseProtobufBody(body);
  throw unsupportedMediaType(UNSUPPORTED_BODY);
}

const UNSUPPORTED_BODY = 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf';

/**
 * Decodes a protobuf body; undefined when empty. A body that is not protobuf is 400 with the
 * decoder's words; a kind with no protobuf table here is 415, as for a type without protobuf.
 */
function parseProtobufBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return decodeKubernetesProtobuf(body);
  } catch (e) {
    if (e instanceof ProtobufKindError) throw unsupportedMediaType(`${UNSUPPORTED_BODY} (${e.message})`);
    if (e instanceof ProtobufDecodeError) throw badRequest(`the object provided is unrecognized: ${e.message}`);
    throw e;
  }
}

/**
 * Parses a JSON request body; undefined when empty. The message follows kube-apiserver's decoder
 * ("couldn't get version/kind; json parse error: …").
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}
