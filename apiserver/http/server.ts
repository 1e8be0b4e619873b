/**
 * The HTTP front of the envtest-style API server (node:http, JSON only): routes each request,
 * checks the bearer token, serves discovery, health and OpenAPI, hands resource requests to the
 * store through resource-handler.ts, and answers every failure with a Status. One log line per
 * request at debug level.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ApiError, internalError, methodNotAllowed, unauthorized } from '../errors.js';
import { type StoreClock, systemClock } from '../clock.js';
import type { Store } from '../types.js';
import { isAuthorized, stripPathToken } from './auth.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from './discovery.js';
import { type FaultInjector, handleFaultAction } from './faults.js';
import { healthAnswer } from './health.js';
import { OPENAPI_V2_CONTENT_TYPE } from './openapi.js';
import { handleResource, verbOf, type ResourceHandlerContext } from './resource-handler.js';
import { sendErrorOutput } from './output-negotiation.js';
import { parseJsonBody, readBody, sendJson, sendText } from './respond.js';
import { resolveRoute, type Route } from './routes.js';
import { realTimers, type Timers } from './timers.js';
import { DEFAULT_WATCH_FLUSH_INTERVAL_MS, WatchFlusher } from './watch-flush.js';
import { EventLineCache, type WatchStream } from './watch-stream.js';

/** How the HTTP front is built. */
export interface ApiHttpServerOptions {
  store: Store;
  /** The clock Table ages are computed on (give the store's). @default the system clock */
  clock?: StoreClock;
  /** The bearer token every request but the health checks must carry. */
  token: string;
  /** Fault injection; undefined when disabled (the admin endpoint then answers 404). */
  faults?: FaultInjector;
  /** @default real timers */
  timers?: Timers;
  logger?: Logger;
  /** Interval of periodic watch BOOKMARKs. @default 60000 */
  bookmarkIntervalMs?: number;
  /** Unsent bytes past which a slow watcher is cut off with a 410 ERROR. @default 16 MiB */
  maxWatchBufferBytes?: number;
  /** The least time between two watch sends during a burst of writes (watch-flush.ts); 0 sends every turn. @default 5 */
  watchFlushIntervalMs?: number;
  /**
   * The timeout of a watch without timeoutSeconds.
   * @default a random 30–60 min, like kube-apiserver's --min-request-timeout handling
   */
  defaultWatchTimeoutMs?: () => number;
}

function notFoundPath(): ApiError {
  return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
}

/** The request target as a URL; a target URL cannot parse is treated as an unknown path. */
function parseRequestUrl(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return new URL('http://localhost/%00invalid');
  }
}

/** The HTTP front: a node:http server plus the bookkeeping of its open watches. */
export class ApiHttpServer {
  /** The underlying node:http server (not yet listening). */
  readonly server: Server;
  private readonly watches = new Set<WatchStream>();
  private readonly ctx: ResourceHandlerContext;

  constructor(private readonly o: ApiHttpServerOptions) {
    this.ctx = {
      store: o.store,
      clock: o.clock ?? systemClock,
      watches: this.watches,
      defaultWatchTimeoutMs: o.defaultWatchTimeoutMs ?? (() => (30 + Math.random() * 30) * 60_000),
      watchDefaults: {
        timers: o.timers ?? realTimers,
        bookmarkIntervalMs: o.bookmarkIntervalMs ?? 60_000,
        maxBufferedBytes: o.maxWatchBufferBytes ?? 16 * 1024 * 1024,
        delayMs: () => o.faults?.watchDelayMs() ?? 0,
        bookmarkResourceVersion: () => o.store.currentResourceVersion(),
        lineCache: new EventLineCache(),
        // Pacing is about real time, whatever timers drive the watch timeouts in a test.
        flusher: new WatchFlusher(o.watchFlushIntervalMs ?? DEFAULT_WATCH_FLUSH_INTERVAL_MS, realTimers),
      },
    };
    this.server = createServer({ keepAlive: true }, (req, res) => {
      void this.handle(req, res);
    });
  }

  /** How many watch streams are open. */
  openWatchCount(): number {
    return this.watches.size;
  }

  /** Ends every open watch stream now. */
  closeAllWatches(): void {
    for (const w of [...this.watches]) w.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = parseRequestUrl(req.url);
    const byPath = stripPathToken(url.pathname, this.o.token);
    const route = resolveRoute(byPath.pathname);
    let verb: string | undefined;
    let injected = false;
    try {
      // Health and version are public, as kube-apiserver's system:public-info-viewer role makes
      // them; they carry no cluster data, and probes and kubectl's version dispatcher need them.
      // One check (`/readyz/etcd`) is not public: the role grants the three endpoints alone.
      const isPublic = route.kind === 'version' || (route.kind === 'health' && route.check === undefined);
      if (!isPublic && !byPath.isAuthorized && !isAuthorized(req.headers.authorization, this.o.token)) throw unauthorized();
      if (route.kind === 'health') {
        const text = healthAnswer(route.endpoint, route.check, url.searchParams);
        if (text === undefined) throw notFoundPath();
        return sendText(res, 200, text);
      }
      if (route.kind === 'resource') {
        verb = verbOf(method, route, url.searchParams);
        const fault = verb && this.o.faults?.takeFailure(verb, route.info, route.subresource, route.name);
        if (fault) {
          injected = true;
          // Drain the body so the keep-alive connection stays usable.
          req.resume();
          throw fault;
        }
        if (!verb) throw methodNotAllowed();
        return await handleResource(this.ctx, req, res, route, url.searchParams, verb);
      }
      return await this.handleOther(req, res, route, method);
    } catch (e) {
      const err = e instanceof ApiError ? e : internalError((e as Error)?.message ?? String(e));
      if (!(e instanceof ApiError)) this.o.logger?.error({ err: e, method, url: req.url }, 'request failed');
      if (res.headersSent) res.destroy();
      else sendErrorOutput(res, err, req.headers.accept, url.searchParams, req.headers['user-agent']);
    } finally {
      const entry = { method, url: req.url ?? '', code: res.statusCode, injected };
      const r = route.kind === 'resource' ? { verb, resource: route.subresource ? `${route.info.resource}/${route.subresource}` : route.info.resource } : {};
      this.o.faults?.record({ ...entry, ...r });
      this.o.logger?.debug({ ...entry, ...r, ms: Math.round(performance.now() - started) }, 'request');
    }
  }

  private async handleOther(req: IncomingMessage, res: ServerResponse, route: Route, method: string): Promise<void> {
    if (route.kind === 'faults') {
      if (!this.o.faults) throw notFoundPath();
      const body = method === 'POST' ? parseJsonBody(await readBody(req)) : undefined;
      const answer = handleFaultAction(this.o.faults, method, route.action, body);
      if (!answer) throw notFoundPath();
      return sendJson(res, answer.code, answer.body);
    }
    if (route.kind === 'notFound') throw notFoundPath();
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    if ((route.kind === 'apiVersions' || route.kind === 'apiGroupList') && wantsAggregatedDiscovery(req.headers.accept)) {
      return sendJson(res, 200, aggregatedDiscovery(route.kind === 'apiVersions'), { 'Content-Type': AGGREGATED_DISCOVERY_CONTENT_TYPE, Vary: 'Accept' });
    }
    switch (route.kind) {
      case 'version':
        return sendJson(res, 200, versionInfo());
      case 'apiVersions':
        return sendJson(res, 200, apiVersions(req.headers.host ?? 'localhost'));
      case 'apiGroupList':
        return sendJson(res, 200, apiGroupList());
      case 'apiGroup':
        return sendJson(res, 200, apiGroupDocument(route.group));
      case 'resourceList':
        return sendJson(res, 200, apiResourceList(route.group, route.version));
      case 'openapi':
        if (route.version === 'v3') throw notFoundPath();
        res.writeHead(200, { 'Content-Type': OPENAPI_V2_CONTENT_TYPE, 'Content-Length': 0 });
        res.end();
        return;
      default:
        throw notFoundPath();
    }
  }
}
