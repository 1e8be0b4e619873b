/**
 * A small world for controller integration tests: an API server store, a client over it, a
 * manager running the given controllers on the real clock, and builders that write Services,
 * Nodes and Pods the way a user and a kubelet would.
 */
import type { Pod, Service, ServicePort } from '../../api-types/core.js';
import type { KubeObject } from '../../api-types/meta.js';
import { MemoryStore } from '../../apiserver/store.js';
import { InProcessClient } from '../../apiserver/in-process-client.js';
import { resourceFor } from '../../apiserver/resources.js';
import { systemClock } from '../../controllers/runtime/clock.js';
import { createLogger, silentLogger, type LogLevel } from '../../controllers/runtime/logger.js';
import { Manager, type Controller } from '../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../controllers/runtime/metrics.js';
import type { KubeClient } from '../../controllers/runtime/kube-client.js';

export const R = {
  services: resourceFor('', 'services'),
  pods: resourceFor('', 'pods'),
  nodes: resourceFor('', 'nodes'),
  endpoints: resourceFor('', 'endpoints'),
  endpointslices: resourceFor('discovery.k8s.io', 'endpointslices'),
  ipaddresses: resourceFor('networking.k8s.io', 'ipaddresses'),
  configmaps: resourceFor('', 'configmaps'),
  events: resourceFor('events.k8s.io', 'events'),
  namespaces: resourceFor('', 'namespaces'),
};

/** Options of a pod written by podOf. */
export interface PodSpecOptions {
  labels?: Record<string, string>;
  ip?: string;
  ips?: string[];
  ready?: boolean;
  node?: string;
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
  phase?: 'Running' | 'Succeeded' | 'Failed' | 'Pending';
  hostname?: string;
  subdomain?: string;
}

/** The world. */
export interface World {
  store: MemoryStore;
  client: KubeClient;
  manager: Manager;
  /** Creates a Service (ClusterIP with a set clusterIP unless given). */
  service(name: string, spec: Partial<Service['spec']> & { ports?: ServicePort[] }, ns?: string): Service;
  /** Creates a ready Node in a zone (startWorld creates `node-1` in `zone-a`). */
  node(name: string, zone?: string, cpu?: string): void;
  /** Creates a pod and sets its status as a kubelet would. */
  pod(name: string, o?: PodSpecOptions, ns?: string): Pod;
  /** Changes a pod's status (ready flag, IPs). */
  setPodStatus(name: string, o: PodSpecOptions, ns?: string): Pod;
  /** Lists a resource in a namespace. */
  list<T extends KubeObject>(r: (typeof R)[keyof typeof R], ns?: string): T[];
  close(): Promise<void>;
}

/** Starts a world running `controllers`; resolves once they run. */
export async function startWorld(controllers: Controller[]): Promise<World> {
  const store = new MemoryStore();
  const client = new InProcessClient(store);
  const node = (name: string, zone = 'zone-a', cpu = '4') => {
    store.create(R.nodes, undefined, { metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } } });
    const cur = store.get(R.nodes, undefined, name);
    store.update(R.nodes, undefined, name, { ...cur, status: { allocatable: { cpu }, conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
  };
  node('node-1');
  const manager = new Manager({ client, controllers, clock: systemClock, random: Math.random, logger: process.env.SVCPLANE_TEST_LOG ? createLogger({ level: process.env.SVCPLANE_TEST_LOG as LogLevel }) : silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), leaderElection: false, drainTimeoutMs: 2000 });
  manager.start();
  await manager.whenRunning();
  let nextIP = 1;
  const status = (o: PodSpecOptions) => {
    const ips = o.ips ?? [o.ip ?? `10.244.${Math.floor(nextIP / 250)}.${(nextIP++ % 250) + 1}`];
    return {
      phase: o.phase ?? 'Running',
      podIP: ips[0],
      podIPs: ips.map((ip) => ({ ip })),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
    };
  };
  return {
    store,
    client,
    manager,
    node,
    service(name, spec, ns = 'default') {
      return store.create(R.services, ns, { metadata: { name }, spec: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ...spec } }) as Service;
    },
    pod(name, o = {}, ns = 'default') {
      store.create(R.pods, ns, {
        metadata: { name, labels: o.labels ?? { app: 'web' } },
        spec: { nodeName: o.node ?? 'node-1', hostname: o.hostname, subdomain: o.subdomain, containers: [{ name: 'app', image: 'nginx', ports: o.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
      });
      const cur = store.get(R.pods, ns, name);
      return store.update(R.pods, ns, name, { ...cur, status: status(o) }, { subresource: 'status' }).object as Pod;
    },
    setPodStatus(name, o, ns = 'default') {
      const cur = store.get(R.pods, ns, name) as Pod;
      const s = status({ ...o, ip: o.ip ?? cur.status?.podIP, ips: o.ips ?? cur.status?.podIPs?.map((p) => p.ip) });
      return store.update(R.pods, ns, name, { ...cur, status: s }, { subresource: 'status' }).object as Pod;
    },
    list<T extends KubeObject>(r: (typeof R)[keyof typeof R], ns = 'default') {
      return store.list(r, { namespace: ns }).items as T[];
    },
    async close() {
      await manager.stop();
      store.close();
    },
  };
}
