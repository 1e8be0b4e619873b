/**
 * Which pods each Service selects, kept up to date event by event, so that a sync reads only
 * its own Service's pods and a pod event costs O(Services in its namespace), never
 * O(cached pods). Shared by the Endpoints and EndpointSlice controllers.
 *
 * Kubernetes lists pods by selector from the informer on every sync and maps a pod event to
 * Services by matching every Service of the namespace (pkg/controller/util/endpoint
 * `GetPodServiceMemberships`); this index gives the same answers incrementally. As in memory
 * upstream (§9.9), a nil selector selects nothing and an empty `{}` selects every pod.
 * sharedServicePods gives both controllers of one informer factory the same index, so a pod
 * event is matched once.
 */
import type { Pod, Service } from '../../api-types/core.js';
import type { StringMap } from '../../api-types/meta.js';
import { keyOf, type Informer } from '../runtime/informer.js';
import { noteReplaced } from './pod-changes.js';

function key(ns: string | undefined, name: string | undefined): string {
  return `${ns ?? ''}/${name ?? ''}`;
}

/** True when `labels` carry every key and value of `selector` (a nil selector matches nothing). */
export function selectorMatches(selector: StringMap | null | undefined, labels: StringMap | undefined): boolean {
  if (selector == null) return false;
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}

/** One recorded pod: its latest object and the Services selecting it. */
interface PodEntry {
  pod: Pod;
  /** The keys of the Services selecting it; undefined for none. */
  services: Set<string> | undefined;
}

/**
 * Service↔pod membership by selector, for one informer's worth of Services and pods. Each pod
 * has one entry, shared by every map that holds the pod: a pod update finds its Services and
 * its place in their member maps with one lookup, and changes them by replacing the entry's
 * object.
 */
export class ServicePodIndex {
  /** Selectors by Service key, grouped by namespace. */
  readonly #selectors = new Map<string, Map<string, StringMap>>();
  /** Every pod by pod key. */
  readonly #entries = new Map<string, PodEntry>();
  /** Every pod by pod key, grouped by namespace (to re-match when a selector changes). */
  readonly #entriesByNs = new Map<string, Map<string, PodEntry>>();
  /** The pods each Service selects, by pod key, in the order they joined. */
  readonly #podsOfService = new Map<string, Map<string, PodEntry>>();
  /** podsOf's answers, kept until the Service's membership or one of its pods changes. */
  readonly #lists = new Map<string, readonly Pod[]>();
  /** setPod's scratch list of the Services a pod matches (reused: one pod event, one list). */
  readonly #matched: string[] = [];

  /**
   * Records a pod (added or changed; `undefined` for deleted) and returns the keys of the
   * Services whose membership or input changed: the union of the Services that selected it
   * before and after. In the usual event (the pod selected by the same Services as before) no
   * set is made: the answer is the pod's recorded set, which must not be edited.
   *
   * 1. Match the pod against its namespace's selectors.
   * 2. Services that selected it before and no longer do: it leaves them.
   * 3. Services selecting it: it joins them, or replaces its older object in their list.
   * 4. Record the Services selecting it, when they changed.
   */
  setPod(podKey: string, pod: Pod | undefined, namespace: string): ReadonlySet<string> {
    let entry = this.#entries.get(podKey);
    const before = entry?.services;
    if (!pod) {
      if (!entry) return new Set();
      this.#entries.delete(podKey);
      this.#entriesByNs.get(namespace)?.delete(podKey);
      if (!before) return new Set();
      for (const s of before) {
        this.#lists.delete(s);
        this.#podsOfService.get(s)?.delete(podKey);
      }
      return before;
    }
    const oldPod = entry?.pod;
    if (entry) entry.pod = pod;
    else {
      entry = { pod, services: undefined };
      this.#entries.set(podKey, entry);
      this.#nsMap(this.#entriesByNs, namespace).set(podKey, entry);
    }
    // 1. Only the first `count` entries of the scratch list are this pod's (no length reset:
    // slow in V8).
    const matched = this.#matched;
    let count = 0;
    const selectors = this.#selectors.get(namespace);
    if (selectors) for (const [svcKey, selector] of selectors) if (selectorMatches(selector, pod.metadata.labels)) matched[count++] = svcKey;
    let same = (before?.size ?? 0) === count;
    for (let i = 0; same && i < count; i++) same = before!.has(matched[i]);
    // 2.
    if (before && !same) {
      for (const s of before) {
        const at = matched.indexOf(s);
        if (at >= 0 && at < count) continue;
        this.#podsOfService.get(s)?.delete(podKey);
        this.#lists.delete(s);
      }
    }
    // 3.
    for (let i = 0; i < count; i++) {
      const s = matched[i];
      // Still a member: the entry already holds the new object; the Service's list gets a copy
      // with the new object in the old one's place.
      const list = before?.has(s) ? this.#lists.get(s) : undefined;
      const at = list ? list.indexOf(oldPod!) : -1;
      if (at >= 0) {
        const next = list!.slice();
        next[at] = pod;
        this.#lists.set(s, next);
        noteReplaced(list!, next, at);
        continue;
      }
      if (!before?.has(s)) this.#mapOf(s).set(podKey, entry);
      this.#lists.delete(s);
    }
    if (same) return before ?? new Set();
    // 4.
    const after = new Set(matched.slice(0, count));
    entry.services = after.size ? after : undefined;
    const concerned = new Set(after);
    for (const s of before ?? []) concerned.add(s);
    return concerned;
  }

  /**
   * Records a Service (undefined when deleted). Re-matches the namespace's pods only when the
   * selector changed.
   */
  setService(service: Service | undefined, namespace: string, name: string): void {
    const svcKey = key(namespace, name);
    const selectors = this.#nsMap(this.#selectors, namespace);
    const old = selectors.get(svcKey);
    const selector = service && service.spec?.type !== 'ExternalName' ? service.spec?.selector : undefined;
    if (selector != null && old && sameMap(old, selector)) return;
    for (const entry of this.#podsOfService.get(svcKey)?.values() ?? []) {
      entry.services?.delete(svcKey);
      if (entry.services?.size === 0) entry.services = undefined;
    }
    this.#podsOfService.delete(svcKey);
    this.#lists.delete(svcKey);
    if (selector == null) {
      selectors.delete(svcKey);
      return;
    }
    selectors.set(svcKey, { ...selector });
    const members = new Map<string, PodEntry>();
    for (const [podKey, entry] of this.#entriesByNs.get(namespace) ?? []) {
      if (selectorMatches(selector, entry.pod.metadata.labels)) {
        members.set(podKey, entry);
        (entry.services ??= new Set()).add(svcKey);
      }
    }
    this.#podsOfService.set(svcKey, members);
  }

  /** The keys (`namespace/name`) of the pods a Service selects. */
  podKeysOf(serviceKey: string): Iterable<string> {
    return this.#podsOfService.get(serviceKey)?.keys() ?? [];
  }

  /**
   * The pods a Service selects, as last recorded by setPod, in the order they joined (a pod
   * update keeps its place). The same array is returned until the Service's membership or one
   * of its pods changes, so it must not be edited.
   */
  podsOf(serviceKey: string): readonly Pod[] {
    let list = this.#lists.get(serviceKey);
    if (!list) {
      const members = this.#podsOfService.get(serviceKey);
      if (!members) return [];
      // Not frozen: V8 reads frozen arrays' elements several times slower, and syncs scan these.
      const pods: Pod[] = [];
      for (const entry of members.values()) pods.push(entry.pod);
      list = pods;
      this.#lists.set(serviceKey, list);
    }
    return list;
  }

  /** The keys of the Services selecting a pod. */
  servicesOf(podKey: string): ReadonlySet<string> {
    return this.#entries.get(podKey)?.services ?? new Set();
  }

  #mapOf(svcKey: string): Map<string, PodEntry> {
    let m = this.#podsOfService.get(svcKey);
    if (!m) this.#podsOfService.set(svcKey, (m = new Map()));
    return m;
  }

  #nsMap<V>(m: Map<string, Map<string, V>>, ns: string): Map<string, V> {
    let inner = m.get(ns);
    if (!inner) m.set(ns, (inner = new Map()));
    return inner;
  }
}

function sameMap(a: StringMap, b: StringMap): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** Where sharedServicePods finds the Service and pod informers (an InformerFactory). */
export interface ServicePodInformers {
  get<T extends Service | Pod>(resource: 'services' | 'pods'): Informer<T>;
}

/**
 * The one ServicePodIndex of an informer factory, kept by its own Service and pod handlers.
 * They are registered when it is first asked for, so they run before the handlers of the
 * controllers that ask: when a controller's pod handler runs, the index already holds the
 * event, and servicesFor tells which Services it concerns.
 */
export class SharedServicePods {
  readonly index = new ServicePodIndex();
  #last: { podKey: string; services: ReadonlySet<string> } | undefined;

  constructor(informers: ServicePodInformers) {
    const onService = (svc: Service, deleted: boolean) => this.index.setService(deleted ? undefined : svc, svc.metadata.namespace ?? '', svc.metadata.name ?? '');
    informers.get<Service>('services').addHandler({ onAdd: (s) => onService(s, false), onUpdate: (_o, s) => onService(s, false), onDelete: (s) => onService(s, true) });
    const onPod = (pod: Pod, deleted: boolean) => {
      const podKey = keyOf(pod);
      this.#last = { podKey, services: this.index.setPod(podKey, deleted ? undefined : pod, pod.metadata.namespace ?? '') };
    };
    informers.get<Pod>('pods').addHandler({ onAdd: (p) => onPod(p, false), onUpdate: (o, p) => o !== p && onPod(p, false), onDelete: (p) => onPod(p, true) });
  }

  /**
   * The keys of the Services a pod event concerns: those that selected the pod before or
   * after the event being handled (its current Services, for an add replayed to a handler
   * registered later).
   */
  servicesFor(pod: Pod): ReadonlySet<string> {
    const podKey = keyOf(pod);
    return this.#last?.podKey === podKey ? this.#last.services : this.index.servicesOf(podKey);
  }
}

const sharedByInformers = new WeakMap<ServicePodInformers, SharedServicePods>();

/** The SharedServicePods of an informer factory, created (with its handlers) on first use. */
export function sharedServicePods(informers: ServicePodInformers): SharedServicePods {
  let shared = sharedByInformers.get(informers);
  if (!shared) sharedByInformers.set(informers, (shared = new SharedServicePods(informers)));
  return shared;
}
