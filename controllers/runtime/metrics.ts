/**
 * The runtime's Prometheus metrics on one prom-client Registry: API requests by verb and code
 * (client-go's `rest_client_*` names), informer relists, leader election
 * (`leader_election_master_status` and `leader_election_slowpath_total`, as client-go's
 * leaderelection exports them), the work queues' `workqueue_*` family, and Node process
 * metrics. Controllers add their own families to the same registry.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { prometheusWorkQueueMetrics, type PrometheusWorkQueueMetrics } from './workqueue-metrics.js';
import type { RequestObservation } from './http-client.js';

/** Prefix of svcplane's own metric families (those with no Kubernetes counterpart, and the allocators'). */
export const metricsPrefix = 'svcplane_';

/** The runtime metrics. */
export interface RuntimeMetrics {
  registry: Registry;
  workQueues: PrometheusWorkQueueMetrics;
  /** For HttpKubeClient's onRequest hook. */
  observeRequest(r: RequestObservation): void;
  /** For Informer's onRelist hook. */
  countRelist(resource: string): void;
  /**
   * Sets `leader_election_master_status{name}`: 1 leading, 0 standing by. A LeaderElector given
   * these metrics (its `metrics` option) calls it from its construction on, as client-go's
   * leaderelection sets the series to 0 in NewLeaderElector, so a standby publishes its 0; a
   * process without leader election has no series.
   */
  setLeader(name: string, leading: boolean): void;
  /**
   * Adds one to `leader_election_slowpath_total{name}`: the leader renewed by reading the Lease
   * first, its optimistic write having failed or been skipped (client-go tryAcquireOrRenew,
   * slowpathExercised). No series until the first slow path, as upstream's CounterVec.
   */
  countSlowPath(name: string): void;
}

/** Creates the registry and the runtime metric families. */
export function createRuntimeMetrics(opts: { processMetrics?: boolean } = {}): RuntimeMetrics {
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  // client-go's names, labels and help (component-base/metrics/prometheus/restclient/metrics.go
  // requestResult and requestLatency: `verb` there is the HTTP method, `code` "<error>" when no
  // answer came); the API verb and resource are svcplane's own labels on the counter.
  const requests = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code, method, and host.',
    labelNames: ['code', 'method', 'host', 'verb', 'resource'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'rest_client_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by verb, and host.',
    labelNames: ['verb', 'host'],
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    registers: [registry],
  });
  const relists = new Counter({ name: `${metricsPrefix}informer_relists_total`, help: 'Number of full lists an informer made (its first sync included).', labelNames: ['resource'], registers: [registry] });
  const leader = new Gauge({ name: 'leader_election_master_status', help: 'Whether this process leads on the Lease called name: 1 leader, 0 standby. Sum by name across replicas.', labelNames: ['name'], registers: [registry] });
  // Name, help and label of staging/src/k8s.io/component-base/metrics/prometheus/clientgo/leaderelection/metrics.go (leaderSlowpathCounter).
  const slowPaths = new Counter({
    name: 'leader_election_slowpath_total',
    help: "Total number of slow path exercised in renewing leader leases. 'name' is the string used to identify the lease. Please make sure to group by name.",
    labelNames: ['name'],
    registers: [registry],
  });
  return {
    registry,
    workQueues: prometheusWorkQueueMetrics(registry),
    observeRequest(r) {
      requests.inc({ code: r.code === 0 ? '<error>' : String(r.code), method: r.method, host: r.host, verb: r.verb, resource: r.resource });
      latency.observe({ verb: r.method, host: r.host }, r.seconds);
    },
    countRelist: (resource) => relists.inc({ resource }),
    setLeader: (name, leading) => leader.set({ name }, leading ? 1 : 0),
    countSlowPath: (name) => slowPaths.inc({ name }),
  };
}

/**
 * Remembers, per object key, the failure last counted, so that a counter of failed attempts
 * counts each failure once however often a controller looks at it again. kube-apiserver's
 * allocators count a failed allocation per create or update that fails (the request is refused
 * and gone); a controller meets the same failing object on every resync, repair pass and
 * unrelated event, and must not count those re-checks as new attempts. The caller gives a
 * signature that changes whenever the attempt would be a new one (another object under the key,
 * another request, another failure) and clears the key once the object succeeds or is gone.
 * Memory: one entry per object that is failing right now.
 */
export class DistinctFailures {
  readonly #last = new Map<string, string>();

  /** Records `signature` as the failure of `key`; true when it differs from the one recorded last (count it). */
  isNew(key: string, signature: string): boolean {
    if (this.#last.get(key) === signature) return false;
    this.#last.set(key, signature);
    return true;
  }

  /** Forgets the failure of `key`: it succeeded or is gone, so its next failure counts again. */
  clear(key: string): void {
    this.#last.delete(key);
  }

  /** How many keys have a failure recorded. */
  get size(): number {
    return this.#last.size;
  }
}
