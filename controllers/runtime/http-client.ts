/**
 * The client seam over HTTP: any Kubernetes API server, configured by a client-node KubeConfig
 * (kubeconfig file, $KUBECONFIG or the in-cluster service account, with its token, exec, OIDC
 * and TLS handling). Objects stay plain wire JSON: requests go out on node:http/https with the
 * client's own keep-alive agents (one for requests, one for watches), because client-node 1.4's
 * generated APIs return model classes with Date fields and its createAgent makes a new agent for
 * every call (../shared/reference/client-and-wire.md §1.2–1.3).
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, Status, WatchEvent } from '../../api-types/meta.js';
import { ApiError } from '../../api-types/api-error.js';
import { type Clock, systemClock } from './clock.js';
import { RequestTimeoutError, type SignalScopedClient } from './abort.js';
import type { ClientWatch, KubeClient, ResourceClient, ResourceRef, WatchListener } from './kube-client.js';
import { HttpResourceClient } from './http-resource-client.js';

/** How long applied KubeConfig options (auth headers) are reused before being applied again. */
const authRefreshMs = 10_000;

/** Waits for permission to send one request (client-side rate limiting, --kube-api-qps/--kube-api-burst). */
export interface RequestThrottle {
  /** Resolves when the request may go; rejects with `signal.reason` if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** Options of HttpKubeClient. */
export interface HttpKubeClientOptions {
  /** Where and how to connect. */
  kubeConfig: KubeConfig;
  /** Client-side rate limit; none when omitted. */
  throttle?: RequestThrottle;
  /** User-Agent header. @default 'svcplane' */
  userAgent?: string;
  /** Called after every request (a watch once its headers arrive) with what it was and how it went. */
  onRequest?: (r: RequestObservation) => void;
  /**
   * The most connections requests (not watches) keep open to the server; more concurrent requests
   * wait for one to be free. Many workers writing at once would otherwise open a connection each,
   * and a busy Node server (the bundled one) accepts about one new connection per turn of its
   * event loop. Watches hold their own connections, outside this limit.
   * @default 64
   */
  maxSockets?: number;
  /**
   * How long a request (not a watch) may take once the rate limit let it go; past it the request
   * is torn down and fails with RequestTimeoutError. As in client-go's rest.Request.request, the
   * wait in the rate limit does not count. Watches are bounded by the server (timeoutSeconds).
   * 0 means none, client-go's default.
   * @default 0
   */
  requestTimeoutMs?: number;
  /** Where request timeouts are timed. @default systemClock */
  clock?: Clock;
}

/** One request, as HttpKubeClient reports it (`onRequest`). */
export interface RequestObservation {
  /** The API verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** The resource, e.g. `services` or `endpointslices`. */
  resource: string;
  /** The HTTP method. */
  method: string;
  /** The server's host and port, as client-go's metrics name it (url.Host). */
  host: string;
  /** The HTTP status, 0 when no answer came. */
  code: number;
  seconds: number;
}

interface Prepared {
  /** What http(s).request takes: method, headers, agent and where to go (host, port, path). */
  options: https.RequestOptions;
  isHttps: boolean;
  /** The server's host and port (the KubeConfig's, not a proxy's). */
  host: string;
}

/** The KubeConfig as applied: its headers, its server split into request options, and when. */
interface Applied {
  /** Auth headers plus user-agent and accept, copied into each request. */
  headers: http.OutgoingHttpHeaders;
  /** The server as request options (protocol, host, port), or the proxy's options. */
  target: https.RequestOptions;
  /** The server URL's path, which every API path is appended to. */
  pathPrefix: string;
  isHttps: boolean;
  /** The server URL's host and port. */
  host: string;
  /** A proxy's agent: used instead of ours, and the options are applied again for every request. */
  proxyAgent?: http.Agent;
  atMs: number;
}

/** The KubeClient over HTTP. */
export class HttpKubeClient implements SignalScopedClient {
  readonly #kc: KubeConfig;
  readonly #throttle?: RequestThrottle;
  readonly #userAgent: string;
  readonly #onRequest?: HttpKubeClientOptions['onRequest'];
  readonly #maxSockets: number;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  /** Keep-alive agents: one for requests (bounded), one for watches (each holds its connection). */
  #agents?: { requests: http.Agent; watches: http.Agent };
  #applied?: Applied;

  constructor(opts: HttpKubeClientOptions) {
    this.#kc = opts.kubeConfig;
    this.#throttle = opts.throttle;
    this.#userAgent = opts.userAgent ?? 'svcplane';
    this.#onRequest = opts.onRequest;
    this.#maxSockets = opts.maxSockets ?? 64;
    if (!Number.isInteger(this.#maxSockets) || this.#maxSockets < 1) throw new RangeError(`maxSockets: expected an integer >= 1, got ${opts.maxSockets}`);
    this.#timeoutMs = opts.requestTimeoutMs ?? 0;
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs < 0) throw new RangeError(`requestTimeoutMs: expected a finite number of ms >= 0, got ${opts.requestTimeoutMs}`);
    this.#clock = opts.clock ?? systemClock;
  }

  /** Closes pooled connections; open watches end. */
  close(): void {
    this.#agents?.requests.destroy();
    this.#agents?.watches.destroy();
  }

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    return new HttpResourceClient<T>(this, ref);
  }

  /** This client with `signal` bound to every request and watch (see SignalScopedClient). */
  withSignal(signal: AbortSignal): KubeClient {
    return { resource: <T extends KubeObject = KubeObject>(ref: ResourceRef) => new HttpResourceClient<T>(this, ref, signal) };
  }

  /**
   * Prepares a request: auth headers from the KubeConfig, our keep-alive agent for requests or
   * for watches (`isWatch`). The KubeConfig's options (which read CA/cert files and build an
   * agent) are applied at most every `authRefreshMs`, not per request; exec and OIDC providers
   * cache their tokens and are asked again within that time.
   */
  async prepare(method: string, path: string, query: URLSearchParams | undefined, isWatch = false): Promise<Prepared> {
    const now = performance.now();
    let applied = this.#applied;
    if (!applied || now - applied.atMs > authRefreshMs || applied.proxyAgent) applied = await this.#apply(now);
    const qs = query?.toString();
    const options: https.RequestOptions = {
      ...applied.target,
      method,
      path: applied.pathPrefix + path + (qs ? `?${qs}` : ''),
      headers: { ...applied.headers },
      agent: applied.proxyAgent ?? (isWatch ? this.#agents?.watches : this.#agents?.requests),
    };
    return { options, isHttps: applied.isHttps, host: applied.host };
  }

  /**
   * Applies the KubeConfig: its current cluster (parsed once here, not per request), and its
   * options, which apply token/exec/OIDC headers and TLS material and create (or refuse: plain
   * http without insecure-skip-tls-verify) an agent. We keep our own agent unless a proxy is set.
   */
  async #apply(now: number): Promise<Applied> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new TypeError('the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, ''));
    const isHttps = url.protocol === 'https:';
    const options: https.RequestOptions = { headers: {} };
    await this.#kc.applyToHTTPSOptions(options);
    const headers: http.OutgoingHttpHeaders = { ...(options.headers as http.OutgoingHttpHeaders) };
    if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    headers['user-agent'] = this.#userAgent;
    headers.accept = 'application/json';
    // IPv6 literals come bracketed in URL.hostname; request options want them bare.
    const target: https.RequestOptions = { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port || undefined };
    const pathPrefix = url.pathname === '/' ? '' : url.pathname;
    if (cluster.proxyUrl) return { headers, target, pathPrefix, isHttps, host: url.host, proxyAgent: options.agent as http.Agent, atMs: now };
    if (!this.#agents) {
      const tls: https.AgentOptions = {
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        pfx: options.pfx,
        passphrase: options.passphrase,
        rejectUnauthorized: options.rejectUnauthorized,
        servername: options.servername ?? cluster.tlsServerName,
      };
      const agent = (o: http.AgentOptions) => (isHttps ? new https.Agent({ ...tls, ...o }) : new http.Agent(o));
      this.#agents = { requests: agent({ keepAlive: true, maxSockets: this.#maxSockets }), watches: agent({ keepAlive: true }) };
    }
    (options.agent as http.Agent | undefined)?.destroy();
    this.#applied = { headers, target, pathPrefix, isHttps, host: url.host, atMs: now };
    return this.#applied;
  }

  /**
   * Sends one request and parses a JSON answer; non-2xx becomes an ApiError. `signal` aborts it,
   * in the rate limit or on the wire; `requestTimeoutMs` bounds it once it has left the rate limit.
   */
  async request<R>(verb: string, resource: string, method: string, path: string, query?: URLSearchParams, body?: { type: string; text: string }, signal?: AbortSignal): Promise<R> {
    await this.#throttle?.acquire(signal);
    const p = await this.prepare(method, path, query);
    signal?.throwIfAborted();
    const started = performance.now();
    let code = 0;
    // One controller for this request: the caller's signal or our timeout, whichever comes first.
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = this.#timeoutMs > 0 ? this.#clock.setTimer(() => ac.abort(new RequestTimeoutError(`${method} ${p.options.path}`, this.#timeoutMs)), this.#timeoutMs) : undefined;
    try {
      const { status, text } = await send(p, body, ac.signal);
      code = status;
      if (status < 200 || status > 299) throw toApiError(status, safeParse(text), text);
      return (text ? JSON.parse(text) : undefined) as R;
    } finally {
      timer?.cancel();
      signal?.removeEventListener('abort', onAbort);
      this.#onRequest?.({ verb, resource, method, host: p.host, code, seconds: (performance.now() - started) / 1000 });
    }
  }

  /** Opens a watch stream; resolves once the server answered with its headers. `signal` stops it. */
  async openWatch<T extends KubeObject>(resource: string, path: string, query: URLSearchParams, listener: WatchListener<T>, signal?: AbortSignal): Promise<ClientWatch> {
    await this.#throttle?.acquire(signal);
    const p = await this.prepare('GET', path, query, true);
    signal?.throwIfAborted();
    const started = performance.now();
    return new Promise<ClientWatch>((resolve, reject) => {
      let ended = false;
      const end = (err?: Error) => {
        if (ended) return;
        ended = true;
        listener.end(err);
      };
      const req = (p.isHttps ? https : http).request(p.options, (res) => {
        const status = res.statusCode ?? 0;
        this.#onRequest?.({ verb: 'watch', resource, method: 'GET', host: p.host, code: status, seconds: (performance.now() - started) / 1000 });
        if (status < 200 || status > 299) {
          collect(res).then((text) => reject(toApiError(status, safeParse(text), text)), reject);
          return;
        }
        let stopped = false;
        resolve({
          stop: () => {
            stopped = true;
            ended = true;
            req.destroy();
          },
        });
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          // Walk the lines by index and cut the buffer once per chunk (not once per line).
          let startAt = 0;
          let nl: number;
          while ((nl = buffered.indexOf('\n', startAt)) >= 0) {
            const line = buffered.slice(startAt, nl).trim();
            startAt = nl + 1;
            if (!line || stopped) continue;
            let ev: WatchEvent<T>;
            try {
              ev = JSON.parse(line) as WatchEvent<T>;
            } catch {
              end(new Error(`watch ${resource}: malformed event line`));
              req.destroy();
              return;
            }
            listener.event(ev);
          }
          buffered = buffered.slice(startAt);
        });
        res.on('end', () => end());
        res.on('error', (err) => end(err));
        res.on('close', () => end());
      });
      req.on('error', (err) => {
        if (!ended) reject(err);
        end(err);
      });
      if (signal) {
        const onAbort = (): void => {
          if (ended) return;
          reject(signal.reason);
          end(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
          req.destroy();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        req.on('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.end();
    });
  }
}

/** Sends a request and reads its whole answer; `signal` tears it down and rejects with its reason. */
function send(p: Prepared, body: { type: string; text: string } | undefined, signal: AbortSignal): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const headers = p.options.headers as http.OutgoingHttpHeaders;
    if (body) {
      headers['content-type'] = body.type;
      headers['content-length'] = Buffer.byteLength(body.text);
    }
    const req = (p.isHttps ? https : http).request(p.options, (res) => {
      collect(res).then((text) => resolve({ status: res.statusCode ?? 0, text }), reject);
    });
    const onAbort = (): void => {
      reject(signal.reason);
      req.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.on('error', reject);
    req.end(body?.text);
  });
}

function collect(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A non-2xx answer as an ApiError: the server's Status when it sent one, else one made up from the code. */
function toApiError(code: number, parsed: unknown, text: string): ApiError {
  const s = parsed as Partial<Status> | undefined;
  if (s && s.kind === 'Status') return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', ...s, code: s.code ?? code } as Status);
  return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason: code === 401 ? 'Unauthorized' : '', message: text || `HTTP ${code}` });
}
