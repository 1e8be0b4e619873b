/**
 * One resource of an HttpKubeClient: the REST paths and query parameters of each verb, as
 * client-go's generated typed clients build them.
 */
import type { KubeList, KubeObject, Status } from '../../api-types/meta.js';
import type { DeleteOptions, ListOptions, PatchOptions, PatchType, WatchOptions, WriteOptions } from '../../apiserver/types.js';
import type { HttpKubeClient } from './http-client.js';
import type { ClientWatch, ResourceClient, ResourceRef, WatchListener } from './kube-client.js';

/** The ResourceClient of one resource over an HttpKubeClient (optionally bound to an abort signal). */
export class HttpResourceClient<T extends KubeObject> implements ResourceClient<T> {
  readonly #c: HttpKubeClient;
  readonly #ref: ResourceRef;
  readonly #signal?: AbortSignal;

  constructor(client: HttpKubeClient, ref: ResourceRef, signal?: AbortSignal) {
    this.#c = client;
    this.#ref = ref;
    this.#signal = signal;
  }

  #path(namespace: string | undefined, name?: string, subresource?: string): string {
    const { group, version, resource } = this.#ref;
    let p = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.#c.request('get', this.#ref.resource, 'GET', this.#path(namespace, name), undefined, undefined, this.#signal);
  }

  list(opts: ListOptions = {}): Promise<KubeList<T>> {
    const q = new URLSearchParams();
    setParams(q, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit, continue: opts.continue, resourceVersion: opts.resourceVersion, resourceVersionMatch: opts.resourceVersionMatch });
    return this.#c.request('list', this.#ref.resource, 'GET', this.#path(opts.namespace), q, undefined, this.#signal);
  }

  watch(opts: WatchOptions & { timeoutSeconds?: number }, listener: WatchListener<T>): Promise<ClientWatch> {
    const q = new URLSearchParams({ watch: 'true' });
    setParams(q, {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      resourceVersionMatch: opts.resourceVersionMatch,
      allowWatchBookmarks: opts.allowWatchBookmarks,
      sendInitialEvents: opts.sendInitialEvents,
      timeoutSeconds: opts.timeoutSeconds,
    });
    return this.#c.openWatch(this.#ref.resource, this.#path(opts.namespace), q, listener, this.#signal);
  }

  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.#c.request('create', this.#ref.resource, 'POST', this.#path(namespace), writeParams(opts), json(obj), this.#signal);
  }

  update(obj: T, opts?: WriteOptions): Promise<T> {
    return this.#c.request('update', this.#ref.resource, 'PUT', this.#path(obj.metadata.namespace, obj.metadata.name ?? ''), writeParams(opts), json(obj), this.#signal);
  }

  updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    return this.#c.request('update', `${this.#ref.resource}/status`, 'PUT', this.#path(obj.metadata.namespace, obj.metadata.name ?? '', 'status'), writeParams(opts), json(obj), this.#signal);
  }

  patch(namespace: string | undefined, name: string, type: PatchType, body: unknown, opts?: PatchOptions & { subresource?: 'status' }): Promise<T> {
    const q = writeParams(opts);
    if (opts?.force !== undefined) q.set('force', String(opts.force));
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const sub = opts?.subresource;
    return this.#c.request('patch', sub ? `${this.#ref.resource}/${sub}` : this.#ref.resource, 'PATCH', this.#path(namespace, name, sub), q, { type, text }, this.#signal);
  }

  delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    // Every option goes in the body: kube-apiserver reads no query parameter of a DELETE that
    // has one (endpoints/handlers/delete.go), so a dryRun sent as a parameter would be ignored.
    const { dryRun, fieldManager: _fm, ...rest } = opts;
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', ...rest, ...(dryRun ? { dryRun: ['All'] } : {}) };
    return this.#c.request('delete', this.#ref.resource, 'DELETE', this.#path(namespace, name), new URLSearchParams(), json(body), this.#signal);
  }
}

function setParams(q: URLSearchParams, params: Record<string, string | number | boolean | undefined>): void {
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
}

function writeParams(opts?: WriteOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (opts?.dryRun) q.set('dryRun', 'All');
  if (opts?.fieldManager) q.set('fieldManager', opts.fieldManager);
  return q;
}

function json(obj: unknown): { type: string; text: string } {
  return { type: 'application/json', text: JSON.stringify(obj) };
}
