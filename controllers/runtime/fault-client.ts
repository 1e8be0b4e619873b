/**
 * Fault injection by wrapping: a KubeClient that passes every call to another one, except the
 * failures a test asks for (per verb and resource), and that can close the watches it opened.
 * It works over either implementation of the seam, so the same fault tests run in-process and
 * over HTTP.
 */
import type { KubeObject } from '../../api-types/meta.js';
import type { ClientWatch, KubeClient, ResourceClient, ResourceRef, WatchListener } from './kube-client.js';

/** A verb of the seam. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete';

/** One scripted failure: the next `count` calls matching verb and resource throw `error()`. */
export interface FaultRule {
  /** A verb, or '*' for any. */
  verb: Verb | '*';
  /** A plural resource name, or '*' for any. */
  resource: string;
  /** How many matching calls fail. @default 1 */
  count?: number;
  /** Makes the error thrown (an ApiError for an API failure, a plain Error for a transport one). */
  error: () => Error;
}

/** A KubeClient with scripted failures. */
export class FaultClient implements KubeClient {
  readonly #inner: KubeClient;
  readonly #rules: (FaultRule & { left: number })[] = [];
  readonly #watches = new Set<{ stop(): void; end(): void }>();
  /** Calls that reached the inner client, by `verb resource` (for "no request while backing off"). */
  readonly calls: string[] = [];

  constructor(inner: KubeClient) {
    this.#inner = inner;
  }

  /** Makes the next `count` calls matching the rule fail. */
  failNext(rule: FaultRule): void {
    this.#rules.push({ ...rule, left: rule.count ?? 1 });
  }

  /** Forgets every pending failure. */
  clearFaults(): void {
    this.#rules.length = 0;
  }

  /** Ends every open watch cleanly, as a server closing its streams does. */
  closeWatches(): void {
    for (const w of [...this.#watches]) w.end();
  }

  /** How many watches are open. */
  get openWatches(): number {
    return this.#watches.size;
  }

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    const inner = this.#inner.resource<T>(ref);
    const gate = async <R>(verb: Verb, call: () => Promise<R>): Promise<R> => {
      const rule = this.#rules.find((r) => r.left > 0 && (r.verb === '*' || r.verb === verb) && (r.resource === '*' || r.resource === ref.resource));
      if (rule) {
        rule.left--;
        if (rule.left === 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
        await Promise.resolve();
        throw rule.error();
      }
      this.calls.push(`${verb} ${ref.resource}`);
      return call();
    };
    return {
      get: (ns, name) => gate('get', () => inner.get(ns, name)),
      list: (opts) => gate('list', () => inner.list(opts)),
      create: (ns, obj, opts) => gate('create', () => inner.create(ns, obj, opts)),
      update: (obj, opts) => gate('update', () => inner.update(obj, opts)),
      updateStatus: (obj, opts) => gate('updateStatus', () => inner.updateStatus(obj, opts)),
      patch: (ns, name, type, body, opts) => gate('patch', () => inner.patch(ns, name, type, body, opts)),
      delete: (ns, name, opts) => gate('delete', () => inner.delete(ns, name, opts)),
      watch: (opts, listener) =>
        gate('watch', async () => {
          let ended = false;
          let handle: ClientWatch | undefined;
          const entry = {
            stop: () => handle?.stop(),
            end: () => {
              if (ended) return;
              ended = true;
              this.#watches.delete(entry);
              handle?.stop();
              listener.end();
            },
          };
          const wrapped: WatchListener<T> = {
            event: (ev) => {
              if (!ended) listener.event(ev);
            },
            end: (err) => {
              if (ended) return;
              ended = true;
              this.#watches.delete(entry);
              listener.end(err);
            },
          };
          this.#watches.add(entry);
          try {
            handle = await inner.watch(opts, wrapped);
          } catch (err) {
            this.#watches.delete(entry);
            throw err;
          }
          return {
            stop: () => {
              ended = true;
              this.#watches.delete(entry);
              handle?.stop();
            },
          };
        }),
    };
  }
}
