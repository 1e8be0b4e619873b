/**
 * Keeps what kube-apiserver keeps for itself in the store: the `kubernetes` ServiceCIDR, the
 * `default/kubernetes` Service and its Endpoints and EndpointSlice (kubernetes-service.ts builds
 * them). It writes as kube-apiserver's loopback client does, through the store's ordinary create,
 * update and apply, so the objects get uids, resourceVersions and managedFields and are validated
 * like any other: a loopback address is refused in the Endpoints and the EndpointSlice
 * ("may not be in the loopback range"), as kube-apiserver refuses it (the default address is a
 * host interface's, as kube-apiserver's is, so that takes a loopback-only host or an explicit
 * loopback `--advertise-address`).
 *
 * One sync, at start and every 10 s (`DefaultEndpointReconcilerInterval`):
 *
 * 1. The ServiceCIDR: created when missing (defaultservicecidr `sync`); upgraded to the configured
 *    two ranges when it holds the primary alone; else its Ready condition set by server-side
 *    apply when it has none and its CIDRs are the configured ones (`syncStatus`).
 * 2. The Service: created when missing, never updated (kubernetesservice
 *    `CreateOrUpdateMasterServiceIfNeeded`: "not reconciled after first run").
 * 3. The Endpoints: created when missing, else reset when its subsets or the skip-mirror label
 *    differ (lease.go `doReconcile`).
 * 4. The EndpointSlice, only once the Endpoints is right: created when missing, replaced when its
 *    address type changed, else reset when its endpoints, ports or labels differ
 *    (`EnsureEndpointSliceFromEndpoints`).
 *
 * Each step's failure is logged and does not stop the next one; the next tick tries again.
 * Differences: the ports of the Endpoints are reset with the addresses (kube-apiserver resets
 * them only when the subsets are malformed, so a changed port outlives a restart on the same
 * storage), there is no lease of other API servers (one server publishes one address), and what
 * kube-apiserver reports as Events on the ServiceCIDR is only logged.
 */
import type { Logger } from 'pino';
import type { Endpoints } from '../api-types/core.js';
import type { KubeObject } from '../api-types/meta.js';
import type { EndpointSlice, ServiceCIDR } from '../api-types/networking.js';
import { KubeAPIServerFieldManagers, KubernetesService } from '../api-types/well-known.js';
import { ApiError } from './errors.js';
import type { Timers } from './http/timers.js';
import {
  desiredEndpointSlice, desiredEndpoints, desiredService, desiredServiceCIDR, endpointSliceAction, isEndpointsCurrent, isServiceCIDRUpgrade,
  serviceCIDRReadyCondition, serviceCIDRStatusAction, type KubernetesServiceConfig,
} from './kubernetes-service.js';
import { resourceFor } from './resources.js';
import { formatTimestamp } from './store-meta.js';
import type { MemoryStore } from './store.js';

const R = {
  services: resourceFor('', 'services'),
  endpoints: resourceFor('', 'endpoints'),
  endpointslices: resourceFor('discovery.k8s.io', 'endpointslices'),
  servicecidrs: resourceFor('networking.k8s.io', 'servicecidrs'),
};
const NS = KubernetesService.namespace;
const NAME = KubernetesService.name;
const asApiServer = { fieldManager: KubeAPIServerFieldManagers.apiserver };

/** Options of {@link KubernetesServiceController}. */
export interface KubernetesServiceControllerOptions {
  store: MemoryStore;
  config: KubernetesServiceConfig;
  /** Schedules the periodic sync. */
  timers: Timers;
  /** The time between two syncs. @default 10000 (kube-apiserver's endpoint reconciler interval) */
  intervalMs?: number;
  /** Where failures are logged. @default none */
  logger?: Logger;
}

/** The steps of one sync, as failures are logged. */
type Step = 'servicecidr' | 'service' | 'endpoints';

/** Creates and keeps kube-apiserver's own objects in a store. */
export class KubernetesServiceController {
  readonly #o: KubernetesServiceControllerOptions;
  readonly #lastFailure = new Map<Step, string>();
  #cancel: (() => void) | undefined;
  #stopped = false;

  constructor(o: KubernetesServiceControllerOptions) {
    this.#o = o;
  }

  /** Syncs now, then every interval until stop(). */
  start(): void {
    this.sync();
    this.#schedule();
  }

  /** Stops the periodic sync; the objects stay. Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  /** 1–4. One sync; never throws (failures are logged). */
  sync(): void {
    // 1.
    this.#step('servicecidr', () => this.#syncServiceCIDR());
    // 2.
    this.#step('service', () => {
      if (!this.#read(R.services, NS)) this.#o.store.create(R.services, NS, desiredService(this.#o.config), asApiServer);
    });
    // 3. and 4.
    this.#step('endpoints', () => {
      this.#syncEndpoints();
      this.#syncEndpointSlice();
    });
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#cancel = this.#o.timers.after(this.#o.intervalMs ?? KubernetesService.reconcileIntervalMs, () => {
      this.sync();
      this.#schedule();
    });
  }

  /** Returns what to report, if anything (the ServiceCIDR is left as it is then). */
  #syncServiceCIDR(): string | undefined {
    const { store, config } = this.#o;
    const stored = (this.#read(R.servicecidrs, undefined) ?? store.create(R.servicecidrs, undefined, desiredServiceCIDR(config), asApiServer)) as ServiceCIDR;
    // A single-stack default ServiceCIDR of a server restarted dual-stack gains the second range
    // (and its status waits for the next sync).
    if (isServiceCIDRUpgrade(stored, config)) {
      this.#o.logger?.info({ from: stored.spec?.cidrs, to: config.cidrs }, 'updating the default ServiceCIDR from single-stack to dual-stack');
      store.update(R.servicecidrs, undefined, KubernetesService.serviceCIDRName, { ...stored, spec: { ...stored.spec, cidrs: [...config.cidrs] } }, asApiServer);
      return undefined;
    }
    const action = serviceCIDRStatusAction(stored, config);
    if (action === 'set-ready') {
      const patch = { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: KubernetesService.serviceCIDRName }, status: { conditions: [serviceCIDRReadyCondition(formatTimestamp(store.clock.now()))] } };
      store.patch(R.servicecidrs, undefined, KubernetesService.serviceCIDRName, 'application/apply-patch+yaml', JSON.stringify(patch), {
        fieldManager: KubeAPIServerFieldManagers.serviceCIDRController, force: true, subresource: 'status',
      });
    }
    // kube-apiserver records these as Warning Events on the ServiceCIDR and leaves it as it is.
    if (action === 'mismatch') return `the default ServiceCIDR ${JSON.stringify(stored.spec?.cidrs ?? [])} does not match the configured ranges ${JSON.stringify(config.cidrs)}`;
    if (action === 'not-ready') return 'the default ServiceCIDR condition Ready is not True';
    return undefined;
  }

  #syncEndpoints(): void {
    const { store, config } = this.#o;
    const stored = this.#read(R.endpoints, NS) as Endpoints | undefined;
    if (!stored) store.create(R.endpoints, NS, desiredEndpoints(config), asApiServer);
    else if (!isEndpointsCurrent(stored, config)) store.update(R.endpoints, NS, NAME, desiredEndpoints(config, stored), asApiServer);
  }

  #syncEndpointSlice(): void {
    const { store, config } = this.#o;
    const stored = this.#read(R.endpointslices, NS) as EndpointSlice | undefined;
    const action = stored ? endpointSliceAction(stored, config) : 'create';
    if (action === 'none') return;
    if (action === 'recreate') store.delete(R.endpointslices, NS, NAME);
    if (action === 'update') store.update(R.endpointslices, NS, NAME, desiredEndpointSlice(config, stored), asApiServer);
    else store.create(R.endpointslices, NS, desiredEndpointSlice(config), asApiServer);
  }

  /** The stored object named `kubernetes`, or undefined (404). */
  #read(r: (typeof R)[keyof typeof R], namespace: string | undefined): KubeObject | undefined {
    try {
      return this.#o.store.get(r, namespace, r === R.servicecidrs ? KubernetesService.serviceCIDRName : NAME);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** Runs one step; what it throws, or the problem it returns, is logged. */
  #step(step: Step, fn: () => string | undefined | void): void {
    try {
      const problem = fn();
      if (problem) this.#failed(step, problem, 'warn');
      else this.#lastFailure.delete(step);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // A refused Endpoints address (a loopback one) is how kube-apiserver behaves when it
      // advertises such an address, and expected on a loopback-only host: a note, not a warning.
      const isRefused = step === 'endpoints' && err instanceof ApiError && err.code === 422;
      this.#failed(step, `unable to sync kubernetes service: ${message}`, isRefused ? 'info' : 'warn');
    }
  }

  /** Logs a failure once at `level`, then at debug while it stays the same. */
  #failed(step: Step, message: string, level: 'info' | 'warn'): void {
    const repeated = this.#lastFailure.get(step) === message;
    this.#lastFailure.set(step, message);
    this.#o.logger?.[repeated ? 'debug' : level]({ step }, message);
  }
}
