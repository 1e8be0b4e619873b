/**
 * The simulated kubelet: a SIMULATION for the bundled API server, which has no kubelet, no
 * scheduler and no node IPAM. It registers a few Nodes, binds pods to them, gives pods IPs and a
 * Running status, turns them Ready after a delay and finishes their graceful deletion, so the
 * endpoint controllers have something real-looking to publish. It must never run against a
 * cluster with real kubelets.
 *
 * Per pod key (`namespace/name`):
 * 1. Read the pod (the informer only triggers: its cache is slimmed, without annotations or the
 *    grace period). Gone or finished: release its IPs. On a node the simulation does not run:
 *    leave it alone (reconcile.ts podStage).
 * 2. Terminating: post Ready False at once; force-delete (grace 0, uid precondition) once
 *    min(its grace period, the simulated shutdown) has passed since it was first seen so.
 * 3. Unbound: bind it to the next simulated node, round-robin, by setting spec.nodeName with an
 *    update (the bundled API server has no pods/binding subresource; it lets nodeName be set once).
 * 4. Give it one IP per family from its node's podCIDR (kept while the pod lives).
 * 5. Post Running with its IPs; Ready once it has run readyDelayMs, unless the
 *    `svcplane.io/simulate-ready` annotation says otherwise. Requeue for the readiness deadline.
 *
 * The node key makes sure the Nodes exist (recreating a deleted one with its old podCIDRs); the
 * first pass also adopts the IPs of pods already running, so a restart hands out no duplicates.
 */
import type { Logger } from 'pino';
import type { IPFamily, Node, Pod } from '../../api-types/core.js';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Clock } from '../runtime/clock.js';
import type { Informer } from '../runtime/informer.js';
import { keyOf } from '../runtime/informer.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import type { Controller, ControllerContext } from '../runtime/manager.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { runWorkers, type ReconcileResult, type WorkerPoolHandle } from '../runtime/worker-pool.js';
import { NodeCIDRSet, PodIPPool } from './ipam.js';
import { internalIPs, nodeAddresses, simNode } from './node-object.js';
import { resolveKubeletSimOptions, type KubeletSimOptions, type ResolvedKubeletSimOptions } from './options.js';
import { planRunning, planTermination, podStage } from './reconcile.js';

/** The warning logged when the simulation starts. */
export const SimulationWarning = 'SIMULATION: kubelet-sim is binding pods and faking their status';

// Pod keys always hold a '/', so this cannot collide with one.
const NODES_KEY = '#nodes';
const podsRef = { group: '', version: 'v1', resource: 'pods' };
const nodesRef = { group: '', version: 'v1', resource: 'nodes' };
// A full node pool frees up only when pods go; look again now and then rather than hot.
const POOL_FULL_RETRY_MS = 5000;

interface SimNodeState {
  podCIDRs: string[];
  pools: PodIPPool[];
  hostIPs: string[];
}

interface PodAllocation {
  uid: string;
  node: string;
  ips: string[];
}

function isStatus(err: unknown, code: number): boolean {
  return err instanceof ApiError && err.code === code;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The simulated kubelet controller (`--controllers` name `kubelet-sim`). */
export class KubeletSim implements Controller {
  readonly name = 'kubelet-sim';
  /** The resolved options. */
  readonly options: ResolvedKubeletSimOptions;
  readonly #families: IPFamily[];
  readonly #cidrSets: NodeCIDRSet[];
  readonly #nodeState = new Map<string, SimNodeState>();
  readonly #allocs = new Map<string, PodAllocation>();
  readonly #runningSinceMs = new Map<string, number>();
  readonly #terminatingSinceMs = new Map<string, number>();
  #clock?: Clock;
  #log?: Logger;
  #pods?: ResourceClient<Pod>;
  #nodes?: ResourceClient<Node>;
  #podInformer?: Informer<Pod>;
  #queue?: WorkQueue<string>;
  #pool?: WorkerPoolHandle;
  #nodesEnsured = false;
  #adopted = false;
  #nodeSync?: Promise<void>;
  #nextNode = 0;
  #stopped = false;

  /** Checks the options (throws a TypeError or RangeError on a bad one). */
  constructor(opts: KubeletSimOptions = {}) {
    this.options = resolveKubeletSimOptions(opts);
    this.#families = this.options.clusterCIDRs.map((c) => c.family);
    this.#cidrSets = this.options.clusterCIDRs.map((c) => new NodeCIDRSet(c, this.options.nodeCIDRMaskSize[c.family]));
  }

  /** The IPs the simulation holds per pod key (tests and `svcplane dev` diagnostics). */
  allocations(): ReadonlyMap<string, Readonly<PodAllocation>> {
    return this.#allocs;
  }

  /** Takes the pod and node informers; their handlers only enqueue keys. */
  setup(ctx: ControllerContext): void {
    this.#clock = ctx.clock;
    this.#log = ctx.logger;
    this.#pods = ctx.client.resource<Pod>(podsRef);
    this.#nodes = ctx.client.resource<Node>(nodesRef);
    this.#queue = new WorkQueue<string>({ name: 'kubelet-sim', clock: ctx.clock, metrics: ctx.metrics.workQueues });
    this.#podInformer = ctx.informers.get<Pod>('pods');
    const enqueuePod = (p: KubeObject): void => this.#queue?.add(keyOf(p));
    this.#podInformer.addHandler({ onAdd: enqueuePod, onUpdate: (_o, p) => enqueuePod(p), onDelete: enqueuePod });
    const enqueueNodes = (): void => this.#queue?.add(NODES_KEY);
    ctx.informers.get<Node>('nodes').addHandler({ onAdd: enqueueNodes, onUpdate: enqueueNodes, onDelete: enqueueNodes });
  }

  /** Warns that this is a simulation, then starts the workers (the nodes first). */
  run(): void {
    const queue = this.#queue;
    if (!queue || this.#stopped) return;
    this.#log?.warn({ nodes: this.options.nodeNames, clusterCIDR: this.options.clusterCIDRs.map((c) => c.text) }, SimulationWarning);
    queue.add(NODES_KEY);
    this.#pool = runWorkers(queue, {
      concurrency: this.options.concurrency,
      reconcile: (key) => (key === NODES_KEY ? this.#syncNodes() : this.#syncPod(key)),
      logger: this.#log,
    });
  }

  /** Drains the workers within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    if (this.#pool) await this.#pool.drain(timeoutMs);
    else this.#queue?.shutDown();
  }

  #now(): number {
    return (this.#clock as Clock).now();
  }

  // One node pass at a time: pod syncs that find the nodes not yet ensured wait for it.
  #syncNodes(): Promise<void> {
    this.#nodeSync ??= this.#ensureNodes().finally(() => {
      this.#nodeSync = undefined;
    });
    return this.#nodeSync;
  }

  async #ensureNodes(): Promise<void> {
    const nodes = this.#nodes as ResourceClient<Node>;
    const existing = new Map((await nodes.list()).items.map((n) => [n.metadata.name ?? '', n]));
    // Occupy every podCIDR already given before handing out new ones.
    for (const n of existing.values()) for (const c of n.spec?.podCIDRs ?? []) for (const set of this.#cidrSets) set.occupy(c);
    for (const [index, name] of this.options.nodeNames.entries()) {
      const found = existing.get(name);
      const known = this.#nodeState.get(name);
      let podCIDRs = found?.spec?.podCIDRs?.length ? found.spec.podCIDRs : known?.podCIDRs;
      if (!podCIDRs) {
        const taken = this.#cidrSets.map((s) => s.allocateNext());
        if (taken.some((c) => c === undefined)) throw new Error(`kubelet-sim: the cluster CIDR has no podCIDR left for Node ${name}`);
        podCIDRs = taken as string[];
      }
      if (!found) {
        try {
          await nodes.create(undefined, simNode({ name, zone: this.options.zones[index], index, podCIDRs, families: this.#families, nowIso: isoSeconds(this.#now()) }));
          this.#log?.info({ node: name, podCIDRs }, 'simulated node registered');
        } catch (err) {
          if (!isStatus(err, 409)) throw err;
        }
      } else if (!found.spec?.podCIDRs?.length) {
        await nodes.update({ ...found, spec: { ...found.spec, podCIDR: podCIDRs[0], podCIDRs } });
      }
      const hostIPs = found ? internalIPs(found) : nodeAddresses(index, this.#families);
      const samePools = known && known.podCIDRs.join() === podCIDRs.join();
      this.#nodeState.set(name, { podCIDRs, pools: samePools ? known.pools : podCIDRs.map((c) => new PodIPPool(c)), hostIPs });
    }
    if (!this.#adopted) this.#adopt();
    this.#nodesEnsured = true;
  }

  // After a restart: pods already running keep their IPs, and nobody else gets them.
  #adopt(): void {
    for (const pod of (this.#podInformer as Informer<Pod>).list()) {
      const node = pod.spec?.nodeName;
      const state = node ? this.#nodeState.get(node) : undefined;
      const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
      if (!node || !state || ips.length === 0 || pod.metadata.deletionTimestamp) continue;
      const held = ips.filter((ip) => state.pools.some((p) => p.occupy(ip)));
      if (held.length > 0) this.#allocs.set(keyOf(pod), { uid: pod.metadata.uid ?? '', node, ips });
    }
    this.#adopted = true;
  }

  #release(key: string): void {
    const a = this.#allocs.get(key);
    if (!a) return;
    const state = this.#nodeState.get(a.node);
    for (const ip of a.ips) for (const p of state?.pools ?? []) p.release(ip);
    this.#allocs.delete(key);
    this.#runningSinceMs.delete(a.uid);
    this.#terminatingSinceMs.delete(a.uid);
  }

  async #syncPod(key: string): Promise<ReconcileResult> {
    if (!this.#nodesEnsured) await this.#syncNodes();
    const pods = this.#pods as ResourceClient<Pod>;
    const slash = key.indexOf('/');
    // 1.
    let pod: Pod;
    try {
      pod = await pods.get(key.slice(0, slash), key.slice(slash + 1));
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      this.#release(key);
      return;
    }
    const uid = pod.metadata.uid ?? '';
    const held = this.#allocs.get(key);
    if (held && held.uid !== uid) this.#release(key);
    const stage = podStage(pod, (n) => this.#nodeState.has(n));
    if (stage === 'foreign') return;
    if (stage === 'terminal') {
      this.#release(key);
      return;
    }
    // 2.
    if (stage === 'terminating') return this.#terminate(key, pod);
    // 3.
    if (stage === 'unbound') {
      const names = this.options.nodeNames;
      const nodeName = names[this.#nextNode++ % names.length];
      pod = await pods.update({ ...pod, spec: { ...(pod.spec ?? { containers: [] }), nodeName } });
      this.#log?.debug({ pod: key, node: nodeName }, 'pod bound');
    }
    const node = pod.spec?.nodeName ?? '';
    const state = this.#nodeState.get(node) as SimNodeState;
    // 4.
    const ips = this.#ipsFor(key, uid, node, state);
    if (!ips) {
      this.#log?.warn({ pod: key, node }, 'kubelet-sim: no pod IP left on the node; retrying later');
      return { requeueAfterMs: POOL_FULL_RETRY_MS };
    }
    // 5.
    const nowMs = this.#now();
    const runningSinceMs = this.#runningSinceMs.get(uid) ?? nowMs;
    this.#runningSinceMs.set(uid, runningSinceMs);
    const plan = planRunning({ pod, ips, hostIPs: state.hostIPs, nowMs, runningSinceMs, readyDelayMs: this.options.readyDelayMs });
    if (plan.status) await pods.updateStatus({ ...pod, status: plan.status });
    return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
  }

  #ipsFor(key: string, uid: string, node: string, state: SimNodeState): string[] | undefined {
    const held = this.#allocs.get(key);
    if (held) return held.ips;
    const ips: string[] = [];
    for (const pool of state.pools) {
      const ip = pool.allocateNext();
      if (ip === undefined) {
        for (const [i, taken] of ips.entries()) state.pools[i].release(taken);
        return undefined;
      }
      ips.push(ip);
    }
    this.#allocs.set(key, { uid, node, ips });
    return ips;
  }

  async #terminate(key: string, pod: Pod): Promise<ReconcileResult> {
    const pods = this.#pods as ResourceClient<Pod>;
    const uid = pod.metadata.uid ?? '';
    const nowMs = this.#now();
    const terminatingSinceMs = this.#terminatingSinceMs.get(uid) ?? nowMs;
    this.#terminatingSinceMs.set(uid, terminatingSinceMs);
    const plan = planTermination({ pod, nowMs, terminatingSinceMs, shutdownMs: this.options.shutdownMs });
    if (plan.status) await pods.updateStatus({ ...pod, status: plan.status });
    if (!plan.forceDelete) return { requeueAfterMs: plan.requeueAfterMs ?? 0 };
    try {
      await pods.delete(pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      // Gone already, or replaced by a pod of the same name (uid precondition): either way done.
      if (!isStatus(err, 404) && !isStatus(err, 409)) throw err;
    }
    this.#release(key);
    this.#log?.debug({ pod: key }, 'pod shut down');
    return;
  }
}
