/**
 * Test-only fault injection for robustness tests (shared/reference/client-and-wire.md §2.9):
 * close every watch now, compact the watch history now, fail the next N requests that match a
 * verb and resource with a chosen Status, delay watch delivery, and look at a request log and the
 * current resourceVersion. Off unless the server is started with `faults: true`; the same object
 * is reachable in-process (the server handle) and over HTTP under /svcplane/faults/.
 */
import { ApiError, badRequest, conflict, internalError, timeout, tooManyRequests } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { StatusReason } from '../../api-types/meta.js';

/** The verbs a failure rule matches (`*` matches all). */
export const FAULT_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', '*'] as const;
/** A verb a failure rule matches. */
export type FaultVerb = (typeof FAULT_VERBS)[number];

/** A rule: fail the next `count` matching requests with `code`. */
export interface FailureRule {
  /** @default '*' */
  verb?: FaultVerb;
  /** A plural resource name (`pods`), a subresource (`pods/status`) or `*`. @default '*' */
  resource?: string;
  /** @default 1 */
  count?: number;
  /** HTTP status: 409 Conflict, 429 TooManyRequests, 500 InternalError, 503, 504 or another 4xx/5xx. */
  code: number;
  /** For 429: seconds sent in details.retryAfterSeconds and the Retry-After header. @default 1 */
  retryAfterSeconds?: number;
  /** Replaces the default message. */
  message?: string;
}

/** One line of the request log. */
export interface RequestLogEntry {
  method: string;
  /** Path and query as received. */
  url: string;
  verb?: string;
  resource?: string;
  code: number;
  /** Whether the answer came from an injected failure. */
  injected: boolean;
}

/** What the injector drives: the store's controls and the HTTP front's own watch streams. */
export interface FaultTargets {
  closeAllWatches(): void;
  compact(): void;
  currentResourceVersion(): string;
}

interface ActiveRule extends Required<Pick<FailureRule, 'verb' | 'resource' | 'code'>> {
  remaining: number;
  retryAfterSeconds: number;
  message?: string;
}

const REASONS: Record<number, StatusReason> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 503: 'ServiceUnavailable' };

/** Fault-injection state and controls of one server. */
export class FaultInjector {
  private rules: ActiveRule[] = [];
  private log: RequestLogEntry[] = [];
  private delayMs = 0;

  /** @param logSize the request log keeps the last `logSize` entries. @default 1000 */
  constructor(
    private readonly targets: FaultTargets,
    private readonly logSize = 1000,
  ) {}

  /** Ends every open watch now (store and HTTP streams); clients re-watch from their last RV. */
  closeAllWatches(): void {
    this.targets.closeAllWatches();
  }

  /** Drops the retained watch history: a later watch from an older RV gets 410 Expired. */
  compact(): void {
    this.targets.compact();
  }

  /** The store's current resourceVersion. */
  currentResourceVersion(): string {
    return this.targets.currentResourceVersion();
  }

  /** Fails the next `rule.count` requests matching the rule. Rules are consumed in the order added. */
  failNext(rule: FailureRule): void {
    const count = rule.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${String(rule.count)}`);
    if (!Number.isInteger(rule.code) || rule.code < 400 || rule.code > 599) throw new RangeError(`code must be an HTTP error status (400–599), got ${String(rule.code)}`);
    const verb = rule.verb ?? '*';
    if (!FAULT_VERBS.includes(verb)) throw new RangeError(`verb must be one of ${FAULT_VERBS.join(', ')}, got ${String(verb)}`);
    const active: ActiveRule = { verb, resource: rule.resource ?? '*', code: rule.code, remaining: count, retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
    if (rule.message !== undefined) active.message = rule.message;
    this.rules.push(active);
  }

  /** Delays every watch event (and bookmark) by `ms` before it is written; 0 turns it off. */
  setWatchDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`watch delay must be a non-negative number of ms, got ${ms}`);
    this.delayMs = ms;
  }

  /** The current watch delivery delay in ms. */
  watchDelayMs(): number {
    return this.delayMs;
  }

  /** Removes every rule and the delay; clears the log. */
  reset(): void {
    this.rules = [];
    this.delayMs = 0;
    this.log = [];
  }

  /**
   * Consumes one matching rule, if any, and returns the error to answer with. Called by the
   * server for every resource request before it reaches the store.
   */
  takeFailure(verb: string, info: ResourceInfo, subresource: string | undefined, name: string | undefined): ApiError | undefined {
    const resource = subresource ? `${info.resource}/${subresource}` : info.resource;
    const i = this.rules.findIndex((r) => (r.verb === '*' || r.verb === verb) && (r.resource === '*' || r.resource === resource || r.resource === info.resource));
    if (i < 0) return undefined;
    const rule = this.rules[i];
    if (--rule.remaining === 0) this.rules.splice(i, 1);
    return errorFor(rule, info, name);
  }

  /** Appends to the request log. */
  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > this.logSize) this.log.splice(0, this.log.length - this.logSize);
  }

  /** A copy of the request log, oldest first. */
  requestLog(): RequestLogEntry[] {
    return this.log.map((e) => ({ ...e }));
  }
}

function errorFor(rule: ActiveRule, info: ResourceInfo, name: string | undefined): ApiError {
  switch (rule.code) {
    case 409:
      return rule.message ? conflict(info, name ?? '', rule.message) : conflict(info, name ?? '');
    case 429:
      return rule.message ? tooManyRequests(rule.retryAfterSeconds, rule.message) : tooManyRequests(rule.retryAfterSeconds);
    case 500:
      return internalError(rule.message ?? 'injected fault');
    case 504:
      return timeout(rule.message ?? 'injected fault: the request timed out');
    default:
      return new ApiError({
        apiVersion: 'v1',
        kind: 'Status',
        metadata: {},
        status: 'Failure',
        message: rule.message ?? `injected fault (HTTP ${rule.code})`,
        reason: REASONS[rule.code] ?? (rule.code >= 500 ? 'InternalError' : 'BadRequest'),
        code: rule.code,
      });
  }
}

/** An admin answer: HTTP code and JSON body. */
export interface AdminAnswer {
  code: number;
  body: unknown;
}

/**
 * Serves /svcplane/faults/{action}: POST close-watches | compact | fail (a FailureRule body) |
 * watch-delay (`{"ms":N}`) | reset; GET requests (the log) | resource-version.
 * Throws ApiError (400) for a bad body; unknown actions are 404.
 */
export function handleFaultAction(f: FaultInjector, method: string, action: string, body: unknown): AdminAnswer | undefined {
  const ok = { code: 200, body: { ok: true } };
  const b = (body ?? {}) as Record<string, unknown>;
  try {
    switch (`${method} ${action}`) {
      case 'POST close-watches':
        f.closeAllWatches();
        return ok;
      case 'POST compact':
        f.compact();
        return { code: 200, body: { ok: true, resourceVersion: f.currentResourceVersion() } };
      case 'POST fail':
        f.failNext(b as unknown as FailureRule);
        return ok;
      case 'POST watch-delay':
        f.setWatchDelay(Number(b.ms));
        return ok;
      case 'POST reset':
        f.reset();
        return ok;
      case 'GET requests':
        return { code: 200, body: { items: f.requestLog() } };
      case 'GET resource-version':
        return { code: 200, body: { resourceVersion: f.currentResourceVersion() } };
      default:
        return undefined;
    }
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw badRequest(e.message);
    throw e;
  }
}
