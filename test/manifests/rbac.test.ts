/**
 * The RBAC the manifests grant against what svcplane does with it, for the base (the endpoint
 * controllers) and for manifests/overlays/allocators (the allocators too). The bundled API server
 * does not authorize, so the rules are checked here, as the RBAC authorizer matches them:
 *
 * - the Role names the Lease (and, in the overlay, the NodePort map) the Deployment's flags name,
 *   in the namespace they name;
 * - the controllers the Deployment turns on, run in-process with the Deployment's flags over the
 *   bundled server's store, make no request the ServiceAccount's rules do not allow; and every
 *   rule they are granted is either used in that run or listed below with the reason it is kept.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import type { Service } from '../../api-types/core.js';
import type { KubeObject } from '../../api-types/meta.js';
import type { IPAddress } from '../../api-types/networking.js';
import { InProcessClient } from '../../apiserver/in-process-client.js';
import { findResource } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';
import { addControllerFlags, controllerNames, type ControllerFlags } from '../../cmd/flags.js';
import { controllerFactories } from '../../cmd/suite.js';
import { KubeletSim } from '../../controllers/kubelet-sim/index.js';
import { defaultPortMapName } from '../../controllers/nodeport/index.js';
import { systemClock } from '../../controllers/runtime/clock.js';
import type { KubeClient, ResourceClient, ResourceRef } from '../../controllers/runtime/kube-client.js';
import { silentLogger } from '../../controllers/runtime/logger.js';
import { Manager, type Controller } from '../../controllers/runtime/manager.js';
import { createRuntimeMetrics } from '../../controllers/runtime/metrics.js';
import { eventually } from '../helpers/eventually.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../manifests');
const baseDir = path.join(root, 'base');
const overlayDir = path.join(root, 'overlays', 'allocators');

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}

interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  spec?: { template: { spec: { serviceAccountName: string; containers: { args: string[] }[] } } };
}

let home: string | undefined;

test.before(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'svcplane-rbac-home-'));
});

test.after.always(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

/** The objects `kubectl kustomize dir` renders. */
async function render(dir: string): Promise<RenderedObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { env: { ...process.env, HOME: home }, maxBuffer: 16 << 20 });
  return parseAllDocuments(stdout).map((d) => d.toJS() as RenderedObject).filter((o) => o !== null);
}

/** One install: the Deployment's args and the rules bound to its ServiceAccount. */
interface Install {
  args: string[];
  /** Rules that apply cluster-wide (ClusterRoles bound by ClusterRoleBindings). */
  clusterRules: PolicyRule[];
  /** Rules per namespace (Roles bound by RoleBindings). */
  namespacedRules: Map<string, PolicyRule[]>;
}

/** Reads an install from rendered objects, following the bindings to the Deployment's ServiceAccount. */
function installOf(objs: RenderedObject[]): Install {
  const dep = objs.find((o) => o.kind === 'Deployment');
  if (!dep?.spec) throw new Error('no Deployment');
  const sa = { name: dep.spec.template.spec.serviceAccountName, namespace: dep.metadata.namespace };
  const boundToSA = (o: RenderedObject): boolean => (o.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === sa.name && s.namespace === sa.namespace);
  const role = (kind: string, name: string, namespace?: string): RenderedObject => {
    const r = objs.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
    if (!r) throw new Error(`a binding refers to ${kind} ${name}, which the install does not hold`);
    return r;
  };
  const clusterRules = objs.filter((o) => o.kind === 'ClusterRoleBinding' && boundToSA(o)).flatMap((b) => role('ClusterRole', b.roleRef!.name).rules ?? []);
  const namespacedRules = new Map<string, PolicyRule[]>();
  for (const b of objs.filter((o) => o.kind === 'RoleBinding' && boundToSA(o))) {
    const ns = b.metadata.namespace ?? '';
    const rules = b.roleRef!.kind === 'ClusterRole' ? role('ClusterRole', b.roleRef!.name).rules : role('Role', b.roleRef!.name, ns).rules;
    namespacedRules.set(ns, [...(namespacedRules.get(ns) ?? []), ...(rules ?? [])]);
  }
  return { args: dep.spec.template.spec.containers[0].args, clusterRules, namespacedRules };
}

/**
 * Whether RBAC rules allow a request, as the RBAC authorizer matches them
 * (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows): verb, group and resource match (or `*`),
 * and the rule names no resources or names the request's. A create carries no name (it is in the
 * body), so a rule with resourceNames never allows it.
 */
function allows(rules: readonly PolicyRule[], verb: string, group: string, resource: string, name = ''): boolean {
  const has = (list: string[] | undefined, v: string): boolean => (list ?? []).some((x) => x === v || x === '*');
  return rules.some((r) => has(r.verbs, verb) && has(r.apiGroups, group) && has(r.resources, resource) && ((r.resourceNames ?? []).length === 0 || (name !== '' && r.resourceNames!.includes(name))));
}

/** Whether an install lets its ServiceAccount make a request in `namespace` (undefined: cluster-scoped or all namespaces). */
function installAllows(install: Install, verb: string, group: string, resource: string, namespace?: string, name = ''): boolean {
  if (allows(install.clusterRules, verb, group, resource, name)) return true;
  return namespace !== undefined && allows(install.namespacedRules.get(namespace) ?? [], verb, group, resource, name);
}

/** The value of `--flag=value` in a container's args, or undefined. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** The controller flags as `svcplane run` parses them from the Deployment's args. */
function controllerFlagsOf(args: readonly string[]): ControllerFlags {
  const cmd = addControllerFlags(new Command()).allowUnknownOption().allowExcessArguments().exitOverride();
  cmd.parse(args.filter((a) => a !== 'run'), { from: 'user' });
  return cmd.opts<ControllerFlags>();
}

/** One API request as the RBAC authorizer sees it. */
interface Request {
  verb: string;
  group: string;
  /** `resource` or `resource/subresource`. */
  resource: string;
  namespace?: string;
  name: string;
}

const describe = (r: Request): string => `${r.verb} ${r.resource}${r.group ? `.${r.group}` : ''} ${[r.namespace, r.name].filter(Boolean).join('/')}`.trim();

/** A KubeClient that passes every call on and records it as the request it would be. */
class RecordingClient implements KubeClient {
  readonly requests: Request[] = [];
  readonly #inner: KubeClient;

  constructor(inner: KubeClient) {
    this.#inner = inner;
  }

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    const inner = this.#inner.resource<T>(ref);
    const note = (verb: string, namespace: string | undefined, name = '', subresource?: string): void => {
      this.requests.push({ verb, group: ref.group, resource: subresource ? `${ref.resource}/${subresource}` : ref.resource, namespace, name });
    };
    return {
      get: (ns, name) => (note('get', ns, name), inner.get(ns, name)),
      list: (opts) => (note('list', opts?.namespace), inner.list(opts)),
      watch: (opts, listener) => (note('watch', opts.namespace), inner.watch(opts, listener)),
      create: (ns, obj, opts) => (note('create', ns), inner.create(ns, obj, opts)),
      update: (obj, opts) => (note('update', obj.metadata.namespace, obj.metadata.name), inner.update(obj, opts)),
      updateStatus: (obj, opts) => (note('update', obj.metadata.namespace, obj.metadata.name, 'status'), inner.updateStatus(obj, opts)),
      patch: (ns, name, type, body, opts) => (note('patch', ns, name, opts?.subresource), inner.patch(ns, name, type, body, opts)),
      delete: (ns, name, opts) => (note('delete', ns, name), inner.delete(ns, name, opts)),
    };
  }
}

/** Creates an object in the store, as a user would (not through the recorded client). */
function put(store: MemoryStore, group: string, resource: string, obj: KubeObject & Record<string, unknown>): void {
  const r = findResource(group, resource);
  if (!r) throw new Error(`${resource} not served`);
  store.create(r, obj.metadata.namespace, obj);
}

function drop(store: MemoryStore, group: string, resource: string, namespace: string | undefined, name: string): void {
  const r = findResource(group, resource);
  if (!r) throw new Error(`${resource} not served`);
  store.delete(r, namespace, name);
}

const pod = (name: string, app: string): KubeObject & Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app } },
  spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
});
const service = (name: string, spec: Record<string, unknown>): KubeObject & Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
});

/**
 * Runs the controllers an install turns on, with its flags and its Lease, over the bundled
 * server's store, through one scenario that makes each of them write: Services with pods come,
 * a pod goes, a selectorless Service's Endpoints are mirrored, two NodePort Services ask for the
 * same port, and Services are deleted. Returns every request they made.
 */
async function requestsOfInstall(install: Install): Promise<{ requests: Request[]; controllers: string[] }> {
  // Releases (an IP or port no Service holds) wait out a grace period, 1 minute by default.
  const flags = controllerFlagsOf([...install.args, '--allocator-leak-grace-period=10ms']);
  const store = new MemoryStore();
  const inner = new InProcessClient(store);
  const recording = new RecordingClient(inner);
  const common = { clock: systemClock, random: Math.random, logger: silentLogger, metrics: createRuntimeMetrics({ processMetrics: false }), drainTimeoutMs: 2000 };
  // The simulated kubelet stands in for the kubelets (pod IPs, readiness): not svcplane's requests.
  const kubelet = new Manager({ ...common, client: inner, controllers: [new KubeletSim({ readyDelayMs: 0 })], leaderElection: false });
  const controllers: Controller[] = [...flags.controllers].map((n) => controllerFactories[n]!(flags));
  const manager = new Manager({
    ...common,
    metrics: createRuntimeMetrics({ processMetrics: false }),
    client: recording,
    controllers,
    leaderElection: {
      identity: 'rbac-test',
      namespace: flagValue(install.args, '--leader-elect-resource-namespace'),
      name: flagValue(install.args, '--leader-elect-resource-name'),
      client: recording,
    },
  });
  // The install's namespace (the Lease's and the NodePort map's), as `kubectl apply -k` creates it.
  put(store, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: flagValue(install.args, '--leader-elect-resource-namespace') ?? '' } });
  kubelet.start();
  manager.start();
  try {
    await manager.whenRunning();
    const allocating = flags.controllers.has('serviceip');
    const slicesR = findResource('discovery.k8s.io', 'endpointslices')!;
    const endpointsR = findResource('', 'endpoints')!;
    const servicesR = findResource('', 'services')!;
    const slicesOf = (svc: string) => store.list(slicesR, { namespace: 'default', labelSelector: `kubernetes.io/service-name=${svc}` }).items;
    const ready = (svc: string, n: number) => slicesOf(svc).flatMap((s) => (s as { endpoints?: unknown[] }).endpoints ?? []).length === n;
    for (const name of ['web-1', 'web-2', 'web-3']) put(store, '', 'pods', pod(name, 'web'));
    put(store, '', 'pods', pod('shop-1', 'shop'));
    put(store, '', 'services', service('web', { selector: { app: 'web' } }));
    put(store, '', 'services', service('shop', { type: 'NodePort', selector: { app: 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] }));
    put(store, '', 'services', service('legacy', {}));
    put(store, '', 'endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'legacy', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'http', port: 8080 }] }] });
    await eventually('web, shop and legacy in slices', () => ready('web', 3) && ready('shop', 1) && ready('legacy', 1), { timeoutMs: 20_000 });
    if (allocating) {
      await eventually('shop allocated', () => (store.get(servicesR, 'default', 'shop') as Service).spec?.clusterIP);
      // A second Service asking for the port shop holds: the NodePort controller reports it.
      put(store, '', 'services', service('shop-twin', { type: 'NodePort', selector: { app: 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] }));
      await eventually('an event for shop-twin', () => recording.requests.some((r) => r.resource === 'events' && r.verb === 'create'));
    }
    drop(store, '', 'pods', 'default', 'web-3');
    await eventually('web down to 2 endpoints', () => ready('web', 2), { timeoutMs: 20_000 });
    for (const name of ['web', 'shop']) drop(store, '', 'services', 'default', name);
    await eventually('web and shop cleaned up', () =>
      slicesOf('web').length === 0 && slicesOf('shop').length === 0 && store.list(endpointsR, { namespace: 'default', fieldSelector: 'metadata.name=web' }).items.length === 0, { timeoutMs: 20_000 });
    if (allocating) {
      const ipsR = findResource('networking.k8s.io', 'ipaddresses')!;
      const parents = () => (store.list(ipsR, {}).items as IPAddress[]).map((ip) => ip.spec?.parentRef?.name);
      await eventually('web\'s and shop\'s ClusterIPs released', () => !parents().includes('web') && !parents().includes('shop'), { timeoutMs: 20_000 });
    }
  } finally {
    await manager.stop();
    await kubelet.stop();
    store.close();
  }
  return { requests: recording.requests, controllers: controllers.map((c) => c.name) };
}

/**
 * Rules granted but not used by the scenario, each with the reason it stays. The endpoint
 * controllers' verbs are those of Kubernetes' bootstrap roles (controller_policy.go), kept so that
 * svcplane holds exactly what the controllers it replaces hold.
 */
const keptUnused: Record<string, string> = {
  'get pods': 'endpoint-controller, endpointslice-controller (svcplane reads pods from its cache)',
  'get nodes': 'endpointslice-controller (svcplane reads nodes from its cache)',
  'get endpoints': 'endpoint-controller, endpointslicemirroring-controller (read from the cache)',
  'get endpointslices.discovery.k8s.io': 'endpointslice-controller, endpointslicemirroring-controller (read from the cache)',
  'update events': 'every controller\'s events rule (svcplane writes a series with patch)',
  'update events.events.k8s.io': 'every controller\'s events rule (svcplane writes a series with patch)',
  'create events': 'the fallback when events.k8s.io/v1 is not served (controllers/runtime/events.ts); the bundled server serves it',
  'patch events': 'the fallback when events.k8s.io/v1 is not served; the bundled server serves it',
  'create events.events.k8s.io': 'events are written for failures and warnings; the base\'s scenario raises none',
  'patch events.events.k8s.io': 'a repeated event is a patch of its series; the base\'s scenario raises none',
  'create endpoints/restricted': 'endpoint-controller: the API server checks it when Endpoints hold restricted addresses (no request of its own)',
  'update services/finalizers': 'endpointslice-controller: checked for the slices\' blockOwnerDeletion ownerReference (no request of its own)',
  'update endpoints/finalizers': 'endpointslicemirroring-controller: checked for the mirrored slices\' ownerReference (no request of its own)',
  'get ipaddresses.networking.k8s.io': 'the serviceip controller reads a claim live when its create answers 409 (controllers/serviceip/apply.ts)',
  'get servicecidrs.networking.k8s.io': 'the serviceip controller reads ServiceCIDRs from its cache; get goes with list and watch, as in Kubernetes\' read-only rules',
};

/** Every (verb, resource) pair an install grants its ServiceAccount, as `verb resource[.group]`. */
function granted(install: Install): string[] {
  const out = new Set<string>();
  for (const r of [...install.clusterRules, ...[...install.namespacedRules.values()].flat()]) {
    for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) for (const v of r.verbs ?? []) out.add(`${v} ${res}${g ? `.${g}` : ''}`);
  }
  return [...out].sort();
}

const installs = [
  { name: 'base', dir: baseDir, controllers: ['endpoints', 'endpointslice', 'endpointslicemirroring'] },
  { name: 'overlays/allocators', dir: overlayDir, controllers: controllerNames.filter((n) => n !== 'servicecidrs') },
];

for (const { name, dir, controllers } of installs) {
  test(`${name} › the Role grants leader election exactly what it does, on the Lease and namespace the Deployment passes`, async (t) => {
    const install = installOf(await render(dir));
    const leaseName = flagValue(install.args, '--leader-elect-resource-name') ?? '';
    const leaseNamespace = flagValue(install.args, '--leader-elect-resource-namespace') ?? '';
    t.truthy(leaseName, 'the Lease name is passed explicitly, next to the Role that names it');
    t.truthy(leaseNamespace);
    // LeaderElector: get, create (404), update (renew, release).
    for (const verb of ['get', 'update']) t.true(installAllows(install, verb, 'coordination.k8s.io', 'leases', leaseNamespace, leaseName), `${verb} Lease ${leaseName}`);
    t.true(installAllows(install, 'create', 'coordination.k8s.io', 'leases', leaseNamespace), 'create a Lease (no name at create)');
    // Least privilege, and the check can fail: a Lease renamed in the Deployment only, or
    // another namespace, would not be granted.
    t.false(installAllows(install, 'get', 'coordination.k8s.io', 'leases', leaseNamespace, `${leaseName}-renamed`));
    t.false(installAllows(install, 'get', 'coordination.k8s.io', 'leases', 'kube-system', leaseName));
    t.false(installAllows(install, 'delete', 'coordination.k8s.io', 'leases', leaseNamespace, leaseName));
  });

  test(`${name} › --controllers turns on ${controllers.join(', ')}`, async (t) => {
    const install = installOf(await render(dir));
    t.deepEqual([...controllerFlagsOf(install.args).controllers].sort(), [...controllers].sort());
  });

  test(`${name} › the controllers it runs make no request its RBAC does not allow, and every rule it grants is used or kept for a reason`, async (t) => {
    const install = installOf(await render(dir));
    const { requests, controllers: ran } = await requestsOfInstall(install);
    t.deepEqual(ran.sort(), [...controllers].sort());
    const denied = [...new Set(requests.filter((r) => !installAllows(install, r.verb, r.group, r.resource, r.namespace, r.name)).map(describe))];
    t.deepEqual(denied, [], `not allowed: ${denied.join('; ')}`);
    // The check is not vacuous: the run wrote Endpoints, slices and the Lease.
    const used = new Set(requests.map((r) => `${r.verb} ${r.resource}${r.group ? `.${r.group}` : ''}`));
    for (const write of ['create endpoints', 'delete endpoints', 'create endpointslices.discovery.k8s.io', 'update endpointslices.discovery.k8s.io', 'update leases.coordination.k8s.io']) t.true(used.has(write), write);
    const unused = granted(install).filter((g) => !used.has(g) && !(g in keptUnused));
    t.deepEqual(unused, [], `granted, never used, no reason given: ${unused.join('; ')}`);
  });
}

test('rbac › every rule kept unused is granted by an install (the list holds no stale entry)', async (t) => {
  const all = new Set((await Promise.all(installs.map(async ({ dir }) => granted(installOf(await render(dir)))))).flat());
  t.deepEqual(Object.keys(keptUnused).filter((k) => !all.has(k)), []);
});

test('base › grants nothing only the allocators use: no Service writes, IPAddresses, ServiceCIDRs or ConfigMaps', async (t) => {
  const install = installOf(await render(baseDir));
  t.is(flagValue(install.args, '--nodeport-map-namespace'), undefined, 'the NodePort map flag belongs to the overlay');
  t.is(flagValue(install.args, '--service-cluster-ip-range'), undefined, 'the range flags belong to the overlay');
  for (const verb of ['update', 'patch']) t.false(installAllows(install, verb, '', 'services', 'default', 'web'), `${verb} services`);
  for (const verb of ['get', 'list', 'watch', 'create', 'update', 'delete']) {
    t.false(installAllows(install, verb, 'networking.k8s.io', 'ipaddresses', undefined, '10.96.0.10'), `${verb} ipaddresses`);
    t.false(installAllows(install, verb, 'networking.k8s.io', 'servicecidrs', undefined, 'kubernetes'), `${verb} servicecidrs`);
    t.false(installAllows(install, verb, '', 'configmaps', 'svcplane-system', defaultPortMapName), `${verb} configmaps`);
  }
});

test('overlays/allocators › the NodePort map is granted by name beside the Lease; Services are updated, never patched; IPAddresses never updated; ServiceCIDRs read, never written', async (t) => {
  const install = installOf(await render(overlayDir));
  const mapNamespace = flagValue(install.args, '--nodeport-map-namespace') ?? '';
  t.is(mapNamespace, flagValue(install.args, '--leader-elect-resource-namespace') ?? 'not set', 'the port map lives beside the Lease');
  t.truthy(flagValue(install.args, '--service-cluster-ip-range'), 'the ranges are passed explicitly, to be set to kube-apiserver\'s');
  t.truthy(flagValue(install.args, '--service-node-port-range'));
  // PortMapStore: get, create (404), update.
  for (const verb of ['get', 'update']) t.true(installAllows(install, verb, '', 'configmaps', mapNamespace, defaultPortMapName), `${verb} ConfigMap ${defaultPortMapName}`);
  t.true(installAllows(install, 'create', '', 'configmaps', mapNamespace));
  t.false(installAllows(install, 'update', '', 'configmaps', mapNamespace, 'another-configmap'));
  t.false(installAllows(install, 'list', '', 'configmaps', mapNamespace));
  t.false(installAllows(install, 'get', '', 'configmaps', 'kube-system', defaultPortMapName));
  t.true(installAllows(install, 'update', '', 'services', 'default', 'web'));
  t.false(installAllows(install, 'patch', '', 'services', 'default', 'web'));
  t.false(installAllows(install, 'update', 'networking.k8s.io', 'ipaddresses', undefined, '10.96.0.10'));
  for (const verb of ['list', 'watch']) t.true(installAllows(install, verb, 'networking.k8s.io', 'servicecidrs'), `${verb} servicecidrs`);
  for (const verb of ['create', 'update', 'patch', 'delete']) t.false(installAllows(install, verb, 'networking.k8s.io', 'servicecidrs', undefined, 'kubernetes'), `${verb} servicecidrs`);
});
