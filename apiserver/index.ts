/**
 * Starts the envtest-style API server: a MemoryStore behind the HTTP front, on loopback, with a
 * fresh bearer token and a kubeconfig that kubectl and client-node use as they would a real
 * cluster. Given a Service range, it also creates and keeps what kube-apiserver keeps for itself
 * (the `default/kubernetes` Service, its Endpoints and EndpointSlice, the `kubernetes`
 * ServiceCIDR; kubernetes-service-controller.ts). `close()` ends every watch and the listener
 * promptly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { PATH_TOKEN_SEGMENT, generateToken } from './http/auth.js';
import { FaultInjector } from './http/faults.js';
import { writeKubeconfig } from './http/kubeconfig.js';
import { ApiHttpServer } from './http/server.js';
import { realTimers, type Timers } from './http/timers.js';
import { KubernetesServiceController } from './kubernetes-service-controller.js';
import { defaultAdvertiseAddress, defaultPublicIP, kubernetesServiceConfig, parseServiceIPRanges, publicIPProblem } from './kubernetes-service.js';
import { MemoryStore } from './store.js';

/** Options of startApiServer. */
export interface StartApiServerOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to bind. Keep it on loopback: the server is for tests. @default '127.0.0.1' */
  host?: string;
  /** Turns on the store's garbage collection helper (ownerReferences cascade). @default false */
  gc?: boolean;
  /** Enables fault injection (the `faults` handle and /svcplane/faults/). @default false */
  faults?: boolean;
  /** Where to write the kubeconfig. @default a fresh temporary directory, removed by close() */
  kubeconfigPath?: string;
  /** A store to serve; close() leaves a passed-in store open. @default a new MemoryStore */
  store?: MemoryStore;
  /** Request logging at debug level. @default none */
  logger?: Logger;
  /** Timers for watch timeouts and bookmarks (tests drive them by hand). @default real timers */
  timers?: Timers;
  /** Interval of periodic watch BOOKMARKs. @default 60000 */
  bookmarkIntervalMs?: number;
  /** Unsent bytes past which a slow watcher is cut off with a 410 ERROR. @default 16 MiB */
  maxWatchBufferBytes?: number;
  /** The least time between two watch sends during a burst of writes; 0 sends every turn. @default 5 */
  watchFlushIntervalMs?: number;
  /**
   * kube-apiserver's `--service-cluster-ip-range`: one or two comma-separated CIDRs, one per
   * family, each of at least 8 addresses. When given, the server creates at start, and keeps
   * every 10 s, the `kubernetes` ServiceCIDR with these CIDRs, the `default/kubernetes` Service
   * on the first IP of the first range, and that Service's Endpoints and EndpointSlice. A bad
   * value throws a TypeError or RangeError naming the flag. @default none: none of these objects
   */
  serviceClusterIPRange?: string;
  /**
   * kube-apiserver's `--advertise-address`: the IP the `default/kubernetes` Endpoints and
   * EndpointSlice publish, of the first range's family (else a RangeError). A loopback address is
   * refused there by validation, as kube-apiserver refuses it.
   * @default as kube-apiserver's: the listening address, or for a loopback or every-address
   * listener a host interface's address of its family; for the default listener, of the first
   * range's family (kubernetes-service.ts defaultAdvertiseAddress)
   */
  advertiseAddress?: string;
}

/** A running server. */
export interface ApiServerHandle {
  /** `http://host:port`. */
  url: string;
  port: number;
  /** The bearer token clients must send. */
  token: string;
  kubeconfigPath: string;
  store: MemoryStore;
  /** Fault injection controls; undefined unless started with `faults: true`. */
  faults: FaultInjector | undefined;
  /** How many HTTP watch streams are open (tests check that disconnects are noticed). */
  openWatchCount(): number;
  /** Ends watches, stops listening, closes connections; resolves when the server is down. */
  close(): Promise<void>;
}

/** Starts the server and writes its kubeconfig. */
export async function startApiServer(opts: StartApiServerOptions = {}): Promise<ApiServerHandle> {
  // A bad range fails before anything listens.
  const ranges = opts.serviceClusterIPRange === undefined ? undefined : parseServiceIPRanges(opts.serviceClusterIPRange);
  const host = opts.host ?? '127.0.0.1';
  // So does an address to publish of the wrong family, when it is known before listening.
  const advertised = opts.advertiseAddress ?? (ranges ? defaultAdvertiseAddress(opts.host, ranges[0]) : undefined);
  const advertiseProblem = ranges && advertised !== undefined ? publicIPProblem(ranges[0], advertised) : undefined;
  if (advertiseProblem) throw new RangeError(advertiseProblem);
  const ownsStore = opts.store === undefined;
  const store = opts.store ?? new MemoryStore({ gc: opts.gc ?? false });
  const token = generateToken();
  // Closing watches must end both the store's side and the HTTP streams (a stream may be
  // waiting on delayed delivery); `front` exists before any request can arrive.
  const faults = opts.faults
    ? new FaultInjector({
        closeAllWatches: () => {
          store.closeAllWatches();
          front.closeAllWatches();
        },
        compact: () => store.compact(),
        currentResourceVersion: () => store.currentResourceVersion(),
      })
    : undefined;
  const front: ApiHttpServer = new ApiHttpServer({
    store,
    clock: store.clock,
    token,
    faults,
    timers: opts.timers,
    logger: opts.logger,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    maxWatchBufferBytes: opts.maxWatchBufferBytes,
    watchFlushIntervalMs: opts.watchFlushIntervalMs,
  });
  const server = front.server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address: listening } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let tempDir: string | undefined;
  let kubeconfigPath = opts.kubeconfigPath;
  if (!kubeconfigPath) {
    tempDir = await mkdtemp(path.join(tmpdir(), 'svcplane-envtest-'));
    kubeconfigPath = path.join(tempDir, 'kubeconfig');
  }
  let bootstrap: KubernetesServiceController | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      bootstrap?.stop();
      front.closeAllWatches();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownsStore) store.close();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    })());
  try {
    if (ranges) {
      const config = kubernetesServiceConfig(ranges, advertised ?? defaultPublicIP(listening), port);
      bootstrap = new KubernetesServiceController({ store, config, timers: opts.timers ?? realTimers, logger: opts.logger });
      bootstrap.start();
    }
    await writeKubeconfig(kubeconfigPath, `${url}/${PATH_TOKEN_SEGMENT}/${token}`, token);
  } catch (e) {
    await close();
    throw e;
  }
  opts.logger?.info({ url, kubeconfigPath }, 'API server serving');
  return { url, port, token, kubeconfigPath, store, faults, openWatchCount: () => front.openWatchCount(), close };
}
