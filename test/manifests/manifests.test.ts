/**
 * Every manifest under manifests/ (the kustomize base, the allocators overlay and the examples):
 * parses, passes the Kubernetes schemas (kubernetes-models), and is accepted by real kubectl
 * `apply --dry-run=server` against the bundled API server, which serves every kind the base and
 * the overlay render. What the Deployment promises (probes, memory, priority) is checked on the
 * rendered objects; the RBAC against what the controllers do is in rbac.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Endpoints, Namespace, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { startApiServer, type ApiServerHandle } from '../../apiserver/index.js';
import { RESOURCES, groupVersion } from '../../apiserver/resources.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../manifests');
const examplesDir = path.join(root, 'examples');
const baseDir = path.join(root, 'base');
const overlayDir = path.join(root, 'overlays', 'allocators');

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  items?: Manifest[];
  [field: string]: unknown;
}

type Validator = (doc: Manifest) => void;
const models: Record<string, Validator> = {
  'v1/Namespace': (d) => new Namespace(d as never).validate(),
  'v1/ServiceAccount': (d) => new ServiceAccount(d as never).validate(),
  'v1/Service': (d) => new Service(d as never).validate(),
  'v1/Pod': (d) => new Pod(d as never).validate(),
  'v1/Endpoints': (d) => new Endpoints(d as never).validate(),
  'v1/ConfigMap': (d) => new ConfigMap(d as never).validate(),
  'apps/v1/Deployment': (d) => new Deployment(d as never).validate(),
  'policy/v1/PodDisruptionBudget': (d) => new PodDisruptionBudget(d as never).validate(),
  'rbac.authorization.k8s.io/v1/ClusterRole': (d) => new ClusterRole(d as never).validate(),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (d) => new ClusterRoleBinding(d as never).validate(),
  'rbac.authorization.k8s.io/v1/Role': (d) => new Role(d as never).validate(),
  'rbac.authorization.k8s.io/v1/RoleBinding': (d) => new RoleBinding(d as never).validate(),
};

/** The kinds the base and the overlay render besides Namespace and Service (the bundled server serves them all). */
const baseKinds = ['apps/v1/Deployment', 'v1/ServiceAccount', 'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding', 'policy/v1/PodDisruptionBudget'];

const typeOf = (d: Manifest): string => `${d.apiVersion}/${d.kind}`;
const isServed = (d: Manifest): boolean => RESOURCES.some((r) => groupVersion(r) === d.apiVersion && r.kind === d.kind);

/** Parses a multi-document YAML text; throws on any YAML error. */
function parseDocs(text: string, where: string): Manifest[] {
  const docs = parseAllDocuments(text);
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const v = doc.toJS() as Manifest | null;
    if (v !== null) out.push(v);
  }
  return out;
}

/** The objects of a manifest, Lists expanded. */
function objectsOf(docs: Manifest[]): Manifest[] {
  return docs.flatMap((d) => (d.kind === 'List' ? (d.items ?? []) : [d]));
}

/** Runs the kubernetes-models validator of the object's type; throws naming the object. */
function validateSchema(d: Manifest): void {
  const validate = models[typeOf(d)];
  if (!validate) throw new Error(`no schema for ${typeOf(d)} (${d.metadata?.name})`);
  try {
    validate(d);
  } catch (err) {
    throw new Error(`${typeOf(d)} ${d.metadata?.name}: ${(err as Error).message}`);
  }
}

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}

/** Whether a parsed file is a JSON patch (RFC 6902): a list of operations, not objects. */
const isJsonPatch = (docs: unknown[]): boolean => docs.length === 1 && Array.isArray(docs[0]) && docs[0].every((op: { op?: unknown; path?: unknown }) => typeof op.op === 'string' && typeof op.path === 'string');

let server: ApiServerHandle | undefined;
let home: string | undefined;

async function kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  if (!server || !home) throw new Error('server not started');
  const env = { ...process.env, HOME: home, KUBECONFIG: server.kubeconfigPath };
  if (input === undefined) return run('kubectl', args, { env, maxBuffer: 16 << 20 });
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', args, { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve({ stdout, stderr })));
    child.stdin?.end(input);
  });
}

test.before(async () => {
  server = await startApiServer();
  home = await mkdtemp(path.join(tmpdir(), 'svcplane-manifests-home-'));
  // A dry-run Namespace is not created, and the namespaced objects of the base and the overlay
  // need it to exist: create it once, before their dry-runs run side by side. (Not `kubectl
  // create namespace`: that sends protobuf, which the bundled server does not read.)
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'svcplane-system' } }));
});

test.after.always(async () => {
  await server?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

test('manifests › every file parses as YAML and every object has apiVersion, kind and a name', async (t) => {
  const files = [...(await yamlFiles(examplesDir)), ...(await yamlFiles(baseDir)), ...(await yamlFiles(overlayDir)), path.join(root, 'kustomization.yaml')];
  t.true(files.length >= 18);
  let patches = 0;
  for (const f of files) {
    const docs = parseDocs(await readFile(f, 'utf8'), f);
    // The overlay's JSON patch of the Deployment: kustomize applies it (the overlay tests below).
    if (isJsonPatch(docs)) {
      patches++;
      continue;
    }
    const objs = objectsOf(docs);
    t.true(objs.length > 0, f);
    for (const o of objs) {
      t.truthy(o.apiVersion, `${f}: apiVersion`);
      t.truthy(o.kind, `${f}: kind`);
      if (o.kind !== 'Kustomization') t.truthy(o.metadata?.name, `${f}: metadata.name`);
    }
  }
  t.is(patches, 1);
});

test('manifests › the schema check rejects a broken object (it can fail)', (t) => {
  t.throws(() => validateSchema({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'eighty' }] } }), { message: /port must be integer/ });
  t.throws(() => validateSchema({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } }), { message: /selector/ });
});

test('examples › every object passes the Kubernetes schemas', async (t) => {
  let n = 0;
  for (const f of await yamlFiles(examplesDir)) {
    for (const o of objectsOf(parseDocs(await readFile(f, 'utf8'), f))) {
      t.notThrows(() => validateSchema(o), `${path.basename(f)}: ${o.kind} ${o.metadata?.name}`);
      n++;
    }
  }
  t.true(n > 250);
});

test('examples › the six journeys are there: ClusterIP, NodePort, headless with hostnames, selectorless with Endpoints, PreferDualStack', async (t) => {
  const load = async (name: string): Promise<Manifest[]> => objectsOf(parseDocs(await readFile(path.join(examplesDir, name), 'utf8'), name));
  const svc = (objs: Manifest[]): { type?: string; clusterIP?: string; selector?: object; ipFamilyPolicy?: string } => objs.find((o) => o.kind === 'Service')?.spec as never;
  t.is(svc(await load('clusterip.yaml')).type, 'ClusterIP');
  t.is(svc(await load('nodeport.yaml')).type, 'NodePort');
  const headless = await load('headless.yaml');
  t.is(svc(headless).clusterIP, 'None');
  const hostPods = headless.filter((o) => o.kind === 'Pod') as { spec: { hostname?: string; subdomain?: string } }[];
  t.true(hostPods.length >= 2 && hostPods.every((p) => p.spec.hostname && p.spec.subdomain === 'db'));
  const selectorless = await load('selectorless.yaml');
  t.is(svc(selectorless).selector, undefined);
  t.truthy(selectorless.find((o) => o.kind === 'Endpoints' && o.metadata?.name === 'legacy-db'));
  t.is(svc(await load('dual-stack.yaml')).ipFamilyPolicy, 'PreferDualStack');
});

test('examples › big.yaml holds 250 pods big-000…big-249 that differ only in their names', async (t) => {
  const objs = objectsOf(parseDocs(await readFile(path.join(examplesDir, 'big.yaml'), 'utf8'), 'big.yaml'));
  const pods = objs.filter((o) => o.kind === 'Pod');
  t.is(pods.length, 250);
  t.deepEqual(pods.map((p) => p.metadata?.name), Array.from({ length: 250 }, (_, i) => `big-${String(i).padStart(3, '0')}`));
  const shape = (p: Manifest): string => JSON.stringify({ ...p, metadata: { ...p.metadata, name: '' } });
  t.is(new Set(pods.map(shape)).size, 1);
  t.deepEqual(pods[0].metadata?.labels, { app: 'big', 'app.kubernetes.io/part-of': 'svcplane-examples' });
});

test('examples › kubectl apply --dry-run=server accepts each file against the bundled API server', async (t) => {
  for (const f of await yamlFiles(examplesDir)) {
    const objs = objectsOf(parseDocs(await readFile(f, 'utf8'), f));
    const { stdout } = await kubectl(['apply', '--dry-run=server', '-f', f]);
    const lines = stdout.trim().split('\n').filter((l) => l.endsWith('(server dry run)'));
    t.is(lines.length, objs.length, `${path.basename(f)}: ${stdout}`);
  }
});

test('examples › kubectl dry-run really asks the server: an invalid Service is refused', async (t) => {
  const bad = 'apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec: {ports: [{port: 800000}]}\n';
  const err = await t.throwsAsync(kubectl(['apply', '--dry-run=server', '-f', '-'], bad));
  t.regex(String((err as Error & { stderr?: string }).stderr), /spec\.ports\[0\]\.port: Invalid value: 800000/);
});

/** A rendered Deployment, the fields these tests read. */
interface RenderedDeployment {
  spec: {
    replicas: number;
    template: {
      spec: {
        priorityClassName?: string;
        securityContext: Record<string, unknown>;
        containers: {
          args: string[];
          env?: { name: string; value?: string }[];
          securityContext: Record<string, unknown>;
          startupProbe: { httpGet: { path: string }; periodSeconds: number; failureThreshold: number };
          livenessProbe: { httpGet: { path: string } };
          readinessProbe: { httpGet: { path: string } };
          resources: { requests: { memory: string }; limits: { memory: string } };
        }[];
      };
    };
  };
}

/** A memory quantity in MiB (`Mi` and `Gi` suffixes, as the manifests write them). */
function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new RangeError(`expected a quantity such as 256Mi or 1Gi, got "${quantity}"`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

/** The objects `kubectl kustomize dir` renders. */
async function render(dir: string): Promise<Manifest[]> {
  const { stdout } = await kubectl(['kustomize', dir]);
  return objectsOf(parseDocs(stdout, `kustomize build ${path.relative(root, dir)}`));
}

const installs = [
  { name: 'base', dir: baseDir },
  { name: 'overlays/allocators', dir: overlayDir },
];

for (const { name, dir } of installs) {
  test(`${name} › every object kustomize renders passes the Kubernetes schemas`, async (t) => {
    const objs = await render(dir);
    t.deepEqual([...new Set(objs.map(typeOf))].sort(), [...baseKinds, 'v1/Namespace', 'v1/Service'].sort());
    for (const o of objs) t.notThrows(() => validateSchema(o), `${o.kind} ${o.metadata?.name}`);
    t.true(objs.every((o) => o.kind === 'Namespace' || o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding' || o.metadata?.namespace === 'svcplane-system'));
  });

  test(`${name} › the Deployment: two replicas, restricted, cluster-critical, started on /readyz, a heap cap ~256Mi under the memory limit`, async (t) => {
    const dep = (await render(dir)).find((o) => o.kind === 'Deployment') as unknown as RenderedDeployment;
    t.is(dep.spec.replicas, 2);
    const pod = dep.spec.template.spec;
    t.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
    t.true(pod.securityContext.runAsNonRoot);
    // It replaces kube-controller-manager's endpoint controllers: scheduled and kept as they are.
    t.is(pod.priorityClassName, 'system-cluster-critical');
    const c = pod.containers[0];
    t.true(c.args.includes('--leader-elect'));
    t.true(c.args.includes('--leader-elect-resource-namespace=svcplane-system'));
    t.true(c.args.includes('--health-probe-bind-address=0.0.0.0:10258'));
    // /healthz answers 200 as soon as the server listens; /readyz once the informers have synced
    // (on a standby too), so only /readyz makes the startup probe wait for the first lists.
    t.is(c.startupProbe.httpGet.path, '/readyz');
    t.true(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold >= 300, 'minutes, not seconds, for a large cluster\'s first lists');
    t.is(c.livenessProbe.httpGet.path, '/healthz');
    t.is(c.readinessProbe.httpGet.path, '/readyz');
    t.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    t.is(c.securityContext.readOnlyRootFilesystem, true);
    t.is(c.securityContext.allowPrivilegeEscalation, false);
    // An empty cluster already takes ~220 MiB RSS, ~130 MiB of it outside the V8 heap.
    const request = mebibytes(c.resources.requests.memory);
    const limit = mebibytes(c.resources.limits.memory);
    const heapCap = Number(/--max-old-space-size=(\d+)/.exec(c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '')?.[1]);
    t.true(request >= 256, `request ${request}Mi`);
    t.true(request <= limit);
    t.true(heapCap > 0, 'NODE_OPTIONS caps the heap');
    t.true(limit - heapCap >= 250, `limit ${limit}Mi - heap cap ${heapCap}Mi leaves room for what is not heap`);
  });

  test(`${name} › kubectl apply --dry-run=server -k accepts every object against the bundled API server`, async (t) => {
    const objs = await render(dir);
    t.true(objs.every(isServed), 'the bundled server serves every kind it renders');
    const out = await kubectl(['apply', '--dry-run=server', '-k', dir]);
    const accepted = out.stdout.split('\n').filter((l) => /\(server dry run\)$/.test(l));
    t.is(accepted.length, objs.length, out.stdout);
    for (const kind of ['deployment.apps/svcplane', 'poddisruptionbudget.policy/svcplane', 'clusterrole.rbac.authorization.k8s.io/svcplane', 'serviceaccount/svcplane', 'service/svcplane-metrics']) {
      t.regex(out.stdout, new RegExp(`${kind.replace(/[.]/g, '\\.')} (created|configured|unchanged) \\(server dry run\\)`));
    }
  });
}

test('base › manifests/kustomization.yaml renders the same objects as the base', async (t) => {
  const [top, base] = await Promise.all([kubectl(['kustomize', root]), kubectl(['kustomize', baseDir])]);
  t.is(top.stdout, base.stdout);
});

test('base › runs the endpoint controllers only, without the allocators\' flags', async (t) => {
  const dep = (await render(baseDir)).find((o) => o.kind === 'Deployment') as unknown as RenderedDeployment;
  const args = dep.spec.template.spec.containers[0].args;
  t.true(args.includes('--controllers=endpoints,endpointslice,endpointslicemirroring'));
  t.deepEqual(args.filter((a) => /^--(service-cluster-ip-range|service-node-port-range|nodeport-map-namespace)=/.test(a)), []);
});

test('overlays/allocators › is the base plus the allocators: --controllers=*,-servicecidrs and their flags, their RBAC, nothing else changed', async (t) => {
  const [base, overlay] = await Promise.all([render(baseDir), render(overlayDir)]);
  const id = (o: Manifest): string => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  const baseById = new Map(base.map((o) => [id(o), o]));
  const added = overlay.filter((o) => !baseById.has(id(o))).map(id).sort();
  t.deepEqual(added, ['ClusterRole /svcplane-allocators', 'ClusterRoleBinding /svcplane-allocators', 'Role svcplane-system/svcplane-allocators', 'RoleBinding svcplane-system/svcplane-allocators']);
  t.is(overlay.length, base.length + added.length, 'nothing of the base is dropped');
  const changed = overlay.filter((o) => baseById.has(id(o)) && JSON.stringify(o) !== JSON.stringify(baseById.get(id(o)))).map(id);
  t.deepEqual(changed, ['Deployment svcplane-system/svcplane']);
  const argsOf = (objs: Manifest[]): string[] => (objs.find((o) => o.kind === 'Deployment') as unknown as RenderedDeployment).spec.template.spec.containers[0].args;
  const [baseArgs, overlayArgs] = [argsOf(base), argsOf(overlay)];
  t.deepEqual(overlayArgs.filter((a) => !baseArgs.includes(a)), [
    '--controllers=*,-servicecidrs', '--service-cluster-ip-range=10.96.0.0/12', '--service-node-port-range=30000-32767', '--nodeport-map-namespace=svcplane-system',
  ]);
  t.deepEqual(baseArgs.filter((a) => !overlayArgs.includes(a)), ['--controllers=endpoints,endpointslice,endpointslicemirroring']);
  // And apart from args, the Deployment is the base's.
  const withoutArgs = (objs: Manifest[]): string => JSON.stringify(objs.find((o) => o.kind === 'Deployment'), (k, v: unknown) => (k === 'args' ? undefined : v));
  t.is(withoutArgs(overlay), withoutArgs(base));
});
