/**
 * One shared informer per resource for every controller in the process, each with the
 * transform and indexes controllers need: pods by namespace and by node, EndpointSlices by
 * their Service (`kubernetes.io/service-name`), everything namespaced by namespace.
 */
import type { KubeObject } from '../../api-types/meta.js';
import { Labels } from '../../api-types/well-known.js';
import type { Clock } from './clock.js';
import { Informer, type IndexFunc, type InformerLogger } from './informer.js';
import type { KubeClient, ResourceRef } from './kube-client.js';
import { slimNode, slimPod } from './transforms.js';

/** The resources the suite watches. */
export const watched = {
  services: { group: '', version: 'v1', resource: 'services' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  ipaddresses: { group: 'networking.k8s.io', version: 'v1', resource: 'ipaddresses' },
  servicecidrs: { group: 'networking.k8s.io', version: 'v1', resource: 'servicecidrs' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
} as const satisfies Record<string, ResourceRef>;

/** A watched resource's name. */
export type WatchedResource = keyof typeof watched;

/** Index names. */
export const Index = {
  namespace: 'namespace',
  node: 'node',
  service: 'service',
} as const;

const byNamespace: IndexFunc<KubeObject> = (o) => [o.metadata.namespace ?? ''];

const setup: Partial<Record<WatchedResource, { transform?: (o: KubeObject) => KubeObject; indexers?: Record<string, IndexFunc<KubeObject>> }>> = {
  pods: {
    transform: slimPod,
    indexers: { [Index.namespace]: byNamespace, [Index.node]: (o) => [((o as { spec?: { nodeName?: string } }).spec?.nodeName) ?? ''] },
  },
  nodes: { transform: slimNode },
  services: { indexers: { [Index.namespace]: byNamespace } },
  endpoints: { indexers: { [Index.namespace]: byNamespace } },
  endpointslices: {
    indexers: {
      [Index.namespace]: byNamespace,
      [Index.service]: (o) => {
        const svc = o.metadata.labels?.[Labels.serviceName];
        return svc ? [`${o.metadata.namespace}/${svc}`] : [];
      },
    },
  },
};

/** Options of InformerFactory. */
export interface InformerFactoryOptions {
  client: KubeClient;
  clock: Clock;
  random: () => number;
  logger?: InformerLogger;
  onRelist?: (resource: string) => void;
}

/** Hands out the shared informers; start() starts every one handed out. */
export class InformerFactory {
  readonly #o: InformerFactoryOptions;
  readonly #informers = new Map<WatchedResource, Informer<KubeObject>>();
  #started = false;

  constructor(opts: InformerFactoryOptions) {
    this.#o = opts;
  }

  /** The shared informer of a resource (created on first use; started with the others). */
  get<T extends KubeObject = KubeObject>(resource: WatchedResource): Informer<T> {
    let inf = this.#informers.get(resource);
    if (!inf) {
      const s = setup[resource] ?? {};
      inf = new Informer<KubeObject>({
        client: this.#o.client.resource(watched[resource]),
        name: resource,
        clock: this.#o.clock,
        random: this.#o.random,
        logger: this.#o.logger,
        transform: s.transform,
        indexers: s.indexers,
        onRelist: this.#o.onRelist,
      });
      this.#informers.set(resource, inf);
      if (this.#started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer handed out so far (and later ones as they are handed out). */
  start(): void {
    this.#started = true;
    for (const inf of this.#informers.values()) inf.start();
  }

  /** Resolves when every informer handed out has synced. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.waitForSync()));
  }

  /** True when every informer handed out has synced. */
  hasSynced(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced());
  }

  /** Stops every informer. */
  stop(): void {
    for (const inf of this.#informers.values()) inf.stop();
  }
}
