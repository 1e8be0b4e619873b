/** A tiny raw HTTP client for the server tests: requests with or without the token, and watches. */
import { request, type IncomingMessage } from 'node:http';
import type { ApiServerHandle } from '../../../apiserver/index.js';
import { NdjsonReader } from './ndjson-reader.js';

/** An answer: status, headers and the body (parsed when JSON). */
export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Sends one request; `body` objects are sent as JSON, strings and Buffers as they are. Authorized unless `token: null`. */
export function call(
  s: Pick<ApiServerHandle, 'url' | 'token'>,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? s.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | Buffer | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
    // Node frames DELETE bodies only with an explicit length (no chunking by default).
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Opens a watch; resolves once headers arrived. `close()` disconnects. */
export function watch(s: Pick<ApiServerHandle, 'url' | 'token'>, path: string): Promise<{ res: IncomingMessage; reader: NdjsonReader; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { headers: { authorization: `Bearer ${s.token}` } }, (res) => {
      const reader = new NdjsonReader(res);
      resolve({ res, reader, close: () => req.destroy() });
    });
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.end();
  });
}
