/**
 * Every manifest under manifests/ (the kustomize base and the examples): parses, passes the
 * Kubernetes schemas (kubernetes-models), and is accepted by real kubectl
 * `apply --dry-run=server` against the bundled API server. Kinds the bundled server does not serve
 * (apps/v1 Deployment, ServiceAccount, RBAC, policy/v1 PodDisruptionBudget) can only get the
 * schema check; the tests that cover them say so in their titles.
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
import { defaultPortMapName } from '../../controllers/nodeport/index.js';
import { RESOURCES, groupVersion } from '../../apiserver/resources.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../manifests');
const examplesDir = path.join(root, 'examples');
const baseDir = path.join(root, 'base');

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

/** Kinds in the base that the bundled server does not serve: schema validation only. */
/** The kinds the base renders besides Namespace and Service (the bundled server serves them all). */
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
});

test.after.always(async () => {
  await server?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

test('manifests › every file parses as YAML and every object has apiVersion, kind and a name', async (t) => {
  const files = [...(await yamlFiles(examplesDir)), ...(await yamlFiles(baseDir)), path.join(root, 'kustomization.yaml')];
  t.true(files.length >= 12);
  for (const f of files) {
    const objs = objectsOf(parseDocs(await readFile(f, 'utf8'), f));
    t.true(objs.length > 0, f);
    for (const o of objs) {
      t.truthy(o.apiVersion, `${f}: apiVersion`);
      t.truthy(o.kind, `${f}: kind`);
      if (o.kind !== 'Kustomization') t.truthy(o.metadata?.name, `${f}: metadata.name`);
    }
  }
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

test('base › every object kustomize renders passes the Kubernetes schemas', async (t) => {
  const { stdout } = await kubectl(['kustomize', baseDir]);
  const objs = objectsOf(parseDocs(stdout, 'kustomize build'));
  t.deepEqual([...new Set(objs.map(typeOf))].sort(), [...baseKinds, 'v1/Namespace', 'v1/Service'].sort());
  for (const o of objs) t.notThrows(() => validateSchema(o), `${o.kind} ${o.metadata?.name}`);
  // What the issue asks of the Deployment, checked on the rendered object.
  interface RenderedContainer {
    args: string[];
    securityContext: Record<string, unknown>;
    livenessProbe: { httpGet: { path: string } };
    readinessProbe: { httpGet: { path: string } };
    resources: { requests?: object; limits?: object };
  }
  const dep = objs.find((o) => o.kind === 'Deployment') as unknown as { spec: { replicas: number; template: { spec: { securityContext: Record<string, unknown>; containers: RenderedContainer[] } } } };
  t.is(dep.spec.replicas, 2);
  const pod = dep.spec.template.spec;
  t.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  t.true(pod.securityContext.runAsNonRoot);
  const c = pod.containers[0];
  t.true(c.args.includes('--leader-elect'));
  t.true(c.args.includes('--leader-elect-resource-namespace=svcplane-system'));
  t.true(c.args.includes('--health-probe-bind-address=0.0.0.0:10258'));
  t.is(c.livenessProbe.httpGet.path, '/healthz');
  t.is(c.readinessProbe.httpGet.path, '/readyz');
  t.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  t.is(c.securityContext.readOnlyRootFilesystem, true);
  t.is(c.securityContext.allowPrivilegeEscalation, false);
  t.truthy(c.resources.requests);
  t.truthy(c.resources.limits);
  t.true(objs.every((o) => o.kind === 'Namespace' || o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding' || o.metadata?.namespace === 'svcplane-system'));
});

test('base › kubectl apply --dry-run=server -k accepts every object against the bundled API server', async (t) => {
  const { stdout } = await kubectl(['kustomize', baseDir]);
  const objs = objectsOf(parseDocs(stdout, 'kustomize build'));
  t.true(objs.every(isServed), 'the bundled server serves every kind the base renders');
  // A dry-run Namespace is not created, and the namespaced objects need it to exist. (Not
  // `kubectl create namespace`: that sends protobuf, which the bundled server does not read.)
  await kubectl(['apply', '-f', '-'], JSON.stringify(objs.find((o) => o.kind === 'Namespace')));
  const out = await kubectl(['apply', '--dry-run=server', '-k', baseDir]);
  const accepted = out.stdout.split('\n').filter((l) => /\(server dry run\)$/.test(l));
  t.is(accepted.length, objs.length, out.stdout);
  for (const kind of ['deployment.apps/svcplane', 'poddisruptionbudget.policy/svcplane', 'clusterrole.rbac.authorization.k8s.io/svcplane', 'serviceaccount/svcplane', 'service/svcplane-metrics']) {
    t.regex(out.stdout, new RegExp(`${kind.replace(/[.]/g, '\\.')} (created|configured|unchanged) \\(server dry run\\)`));
  }
});

test('base › manifests/kustomization.yaml renders the same objects as the base', async (t) => {
  const [top, base] = await Promise.all([kubectl(['kustomize', root]), kubectl(['kustomize', baseDir])]);
  t.is(top.stdout, base.stdout);
});

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
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

/** The value of `--flag=value` in a container's args, or undefined. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

test('base › the Role grants leader election and the NodePort map exactly what they do, on the names and namespace the Deployment passes', async (t) => {
  const { stdout } = await kubectl(['kustomize', baseDir]);
  const objs = objectsOf(parseDocs(stdout, 'kustomize build'));
  const dep = objs.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  const args = dep.spec.template.spec.containers[0].args;
  const leaseName = flagValue(args, '--leader-elect-resource-name') ?? '';
  const leaseNamespace = flagValue(args, '--leader-elect-resource-namespace');
  t.truthy(leaseName, 'the Lease name is passed explicitly, next to the Role that names it');
  t.truthy(leaseNamespace);
  t.is(flagValue(args, '--nodeport-map-namespace'), leaseNamespace, 'the port map lives beside the Lease');
  const role = objs.find((o) => o.kind === 'Role') as Manifest & { rules: PolicyRule[] };
  t.is(role.metadata?.namespace, leaseNamespace, 'the Role is in the Lease\'s namespace');
  const binding = objs.find((o) => o.kind === 'RoleBinding') as Manifest & { roleRef: { name?: string } };
  t.is(binding.metadata?.namespace, leaseNamespace);
  t.is(binding.roleRef.name, role.metadata?.name, 'bound to this Role');
  // LeaderElector: get, create (404), update (renew, release). PortMapStore: get, create, update.
  for (const verb of ['get', 'update']) {
    t.true(allows(role.rules, verb, 'coordination.k8s.io', 'leases', leaseName), `${verb} Lease ${leaseName}`);
    t.true(allows(role.rules, verb, '', 'configmaps', defaultPortMapName), `${verb} ConfigMap ${defaultPortMapName}`);
  }
  t.true(allows(role.rules, 'create', 'coordination.k8s.io', 'leases'), 'create a Lease (no name at create)');
  t.true(allows(role.rules, 'create', '', 'configmaps'), 'create a ConfigMap');
  // Least privilege: nothing beyond those names, and the check can fail (a Lease renamed in the
  // Deployment only would not be granted).
  t.false(allows(role.rules, 'get', 'coordination.k8s.io', 'leases', `${leaseName}-renamed`));
  t.false(allows(role.rules, 'update', '', 'configmaps', 'another-configmap'));
  t.false(allows(role.rules, 'delete', 'coordination.k8s.io', 'leases', leaseName));
  t.false(allows(role.rules, 'list', '', 'configmaps'));
});
