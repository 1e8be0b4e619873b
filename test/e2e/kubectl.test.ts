import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApiServer, type ApiServerHandle } from '../../apiserver/index.js';
import { kubectlIn } from '../helpers/kubectl.js';

const exec = promisify(execFile);

let s: ApiServerHandle;
let home: string;
let env: NodeJS.ProcessEnv;

test.before(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'kubectl-e2e-'));
  s = await startApiServer({ port: 0, kubeconfigPath: path.join(home, 'kubeconfig') });
  // A private HOME keeps kubectl's discovery cache away from the user's and other tests'.
  env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: s.kubeconfigPath };
});
test.after.always(async () => {
  await s?.close();
  await rm(home, { recursive: true, force: true });
});

const kubectl = kubectlIn(() => env);

async function manifest(name: string, text: string): Promise<string> {
  const file = path.join(home, name);
  await writeFile(file, text);
  return file;
}

const serviceYaml = (name: string, port = 80) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  selector: {app: ${name}}
  ports:
  - name: http
    port: ${port}
    targetPort: 8080
`;

const podYaml = (name: string, image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: web}
spec:
  containers:
  - name: main
    image: ${image}
    ports:
    - containerPort: 8080
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (...args: string[]): Promise<any> => JSON.parse(await kubectl(...args, '-o', 'json'));

test.serial('kubectl › version shows server v1.33 (the dispatcher picks the matching kubectl)', async (t) => {
  const out = await kubectl('version');
  t.regex(out, /Server Version: v1\.33\./);
  t.regex(out, /Client Version: v1\.33\./);
});

test.serial('kubectl › create -f a Service, get -o json', async (t) => {
  t.regex(await kubectl('create', '-f', await manifest('svc.yaml', serviceYaml('web'))), /service\/web created/);
  const svc = await json('get', 'service', 'web');
  t.is(svc.kind, 'Service');
  t.is(svc.spec.type, 'ClusterIP');
  t.is(svc.spec.ports[0].protocol, 'TCP');
  const list = await json('get', 'svc');
  t.true(list.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'web'));
});

test.serial('kubectl › client-side apply creates a Pod, then patches it (strategic merge)', async (t) => {
  t.regex(await kubectl('apply', '-f', await manifest('pod.yaml', podYaml('web-0', 'nginx:1.27'))), /pod\/web-0 created/);
  t.regex(await kubectl('apply', '-f', await manifest('pod2.yaml', podYaml('web-0', 'nginx:1.28'))), /pod\/web-0 configured/);
  const pod = await json('get', 'pod', 'web-0');
  t.is(pod.spec.containers.length, 1);
  t.is(pod.spec.containers[0].image, 'nginx:1.28');
  t.truthy(pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
});

test.serial('kubectl › apply --server-side creates and updates with managedFields', async (t) => {
  t.regex(await kubectl('apply', '--server-side', '-f', await manifest('ssa.yaml', serviceYaml('ssa', 80))), /service\/ssa serverside-applied/);
  await kubectl('apply', '--server-side', '-f', await manifest('ssa2.yaml', serviceYaml('ssa', 81)));
  const svc = await json('get', 'svc', 'ssa', '--show-managed-fields');
  t.is(svc.spec.ports[0].port, 81);
  t.true(svc.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply'));
});

test.serial('kubectl › patch: merge, strategic (default) and --subresource=status', async (t) => {
  await kubectl('patch', 'svc', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"front"}}}');
  await kubectl('patch', 'svc', 'web', '-p', '{"spec":{"ports":[{"name":"metrics","port":9090,"targetPort":9090}]}}');
  const svc = await json('get', 'svc', 'web');
  t.is(svc.metadata.labels.tier, 'front');
  t.deepEqual(svc.spec.ports.map((p: { port: number }) => p.port).sort(), [80, 9090], 'strategic merge keeps the existing port');
  await kubectl('patch', 'pod', 'web-0', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running"}}');
  t.is((await json('get', 'pod', 'web-0')).status.phase, 'Running');
});

test.serial('kubectl › get -w sees a change', async (t) => {
  const child = spawn('kubectl', ['get', 'svc', 'web', '-w', '-o', 'jsonpath={.metadata.labels.tier}{"\\n"}'], { env });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const lines = () => out.split('\n').filter((l) => l !== '');
  await waitFor(() => lines().length >= 1, 'the initial line', () => out);
  await kubectl('label', 'svc', 'web', 'tier=back', '--overwrite');
  await waitFor(() => lines().includes('back'), 'the change', () => out);
  t.deepEqual(lines().slice(0, 1), ['front']);
});

test.serial('kubectl › wait --for=delete returns once the object is gone', async (t) => {
  // `kubectl create configmap` would send protobuf (typed client), which the server answers 415.
  await kubectl('create', '-f', await manifest('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: doomed\ndata:\n  a: b\n'));
  const before = s.openWatchCount();
  const waiting = exec('kubectl', ['wait', '--for=delete', 'configmap/doomed', '--timeout=30s'], { env, timeout: 40_000 });
  // Delete once kubectl is watching, so the watch (not the first GET) sees the deletion.
  await waitFor(() => s.openWatchCount() > before, 'kubectl to watch', () => '');
  await kubectl('delete', 'configmap', 'doomed');
  const { stdout } = await waiting;
  t.regex(stdout, /configmap\/doomed condition met|deleted/);
});

test.serial('kubectl › describe a Service', async (t) => {
  const out = await kubectl('describe', 'svc', 'web');
  t.regex(out, /^Name:\s+web$/m);
  t.regex(out, /^Namespace:\s+default$/m);
  t.regex(out, /TargetPort:\s+8080\/TCP/);
});

test.serial('kubectl › delete a Service and a Pod', async (t) => {
  t.regex(await kubectl('delete', 'svc', 'web'), /service "web" deleted/);
  t.regex(await kubectl('delete', '-f', path.join(home, 'pod.yaml')), /pod "web-0" deleted/);
  const err = await t.throwsAsync(kubectl('get', 'svc', 'web'));
  t.regex(err!.message, /NotFound|not found/);
});

// kubectl's typed `create` subcommands send protobuf bodies (Content-Type
// application/vnd.kubernetes.protobuf), unlike `create -f`, which sends JSON.
test.serial('kubectl › create namespace and configmap (protobuf bodies)', async (t) => {
  t.regex(await kubectl('create', 'namespace', 'proto-ns'), /namespace\/proto-ns created/);
  const ns = await json('get', 'namespace', 'proto-ns');
  t.is(ns.metadata.name, 'proto-ns');
  t.is(ns.status.phase, 'Active');
  await writeFile(path.join(home, 'blob.bin'), Buffer.from([0, 1, 2, 255]));
  t.regex(await kubectl('create', 'configmap', 'cm', '-n', 'proto-ns', '--from-literal=a=b', '--from-literal=empty=', `--from-file=blob=${path.join(home, 'blob.bin')}`), /configmap\/cm created/);
  const cm = await json('get', 'configmap', 'cm', '-n', 'proto-ns');
  t.deepEqual(cm.data, { a: 'b', empty: '' });
  t.deepEqual(cm.binaryData, { blob: Buffer.from([0, 1, 2, 255]).toString('base64') });
  t.truthy(cm.metadata.creationTimestamp);
});

test.serial('kubectl › create service clusterip, nodeport, headless and externalname (protobuf bodies)', async (t) => {
  await kubectl('create', 'service', 'clusterip', 'pb-cip', '--tcp=80:8080', '--tcp=443:https');
  const cip = await json('get', 'svc', 'pb-cip');
  t.is(cip.spec.type, 'ClusterIP');
  t.deepEqual(cip.spec.selector, { app: 'pb-cip' });
  t.deepEqual(
    cip.spec.ports.map((p: { name: string; port: number; targetPort: unknown; protocol: string }) => [p.name, p.port, p.targetPort, p.protocol]),
    [['80-8080', 80, 8080, 'TCP'], ['443-https', 443, 'https', 'TCP']],
  );
  t.is(cip.spec.sessionAffinity, 'None', 'zero-valued fields are left out, so defaulting applies');
  await kubectl('create', 'service', 'nodeport', 'pb-np', '--tcp=80:8080', '--node-port=30080');
  const np = await json('get', 'svc', 'pb-np');
  t.is(np.spec.type, 'NodePort');
  t.is(np.spec.ports[0].nodePort, 30080);
  await kubectl('create', 'service', 'clusterip', 'pb-headless', '--clusterip=None');
  t.is((await json('get', 'svc', 'pb-headless')).spec.clusterIP, 'None');
  await kubectl('create', 'service', 'externalname', 'pb-ext', '--external-name=db.example.com');
  const ext = await json('get', 'svc', 'pb-ext');
  t.is(ext.spec.type, 'ExternalName');
  t.is(ext.spec.externalName, 'db.example.com');
});

test.serial('kubectl › create deployment, serviceaccount, role, rolebinding and pdb (protobuf bodies)', async (t) => {
  await kubectl('create', 'deployment', 'pb-dep', '--image=registry.example/web:1', '--port=8080', '--replicas=0');
  const dep = await json('get', 'deployment', 'pb-dep');
  t.is(dep.spec.replicas, 0, 'a pointer field set to zero is kept');
  t.deepEqual(dep.spec.selector.matchLabels, { app: 'pb-dep' });
  t.deepEqual(dep.spec.template.metadata.labels, { app: 'pb-dep' });
  t.is(dep.spec.template.spec.containers[0].image, 'registry.example/web:1');
  t.is(dep.spec.template.spec.containers[0].ports[0].containerPort, 8080);
  await kubectl('create', 'serviceaccount', 'pb-sa');
  t.is((await json('get', 'serviceaccount', 'pb-sa')).metadata.name, 'pb-sa');
  await kubectl('create', 'role', 'pb-role', '--verb=get,list', '--resource=pods,services');
  const role = await json('get', 'role', 'pb-role');
  t.deepEqual(role.rules[0].verbs, ['get', 'list']);
  t.deepEqual(role.rules[0].resources, ['pods', 'services']);
  await kubectl('create', 'rolebinding', 'pb-rb', '--role=pb-role', '--serviceaccount=default:pb-sa');
  const rb = await json('get', 'rolebinding', 'pb-rb');
  t.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pb-role' });
  t.deepEqual(rb.subjects, [{ kind: 'ServiceAccount', name: 'pb-sa', namespace: 'default' }]);
  await kubectl('create', 'poddisruptionbudget', 'pb-pdb', '--selector=app=pb-dep', '--min-available=50%');
  const pdb = await json('get', 'pdb', 'pb-pdb');
  t.is(pdb.spec.minAvailable, '50%');
  t.deepEqual(pdb.spec.selector.matchLabels, { app: 'pb-dep' });
});

test.serial('kubectl › create -f with an unknown field fails (kubectl asks for Strict); --validate=warn drops it with a warning', async (t) => {
  const file = await manifest('typo.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: typo}\nspec:\n  portz: 3\n  ports: [{port: 80}]\n');
  const err = await t.throwsAsync(kubectl('create', '-f', file));
  t.regex(err!.message, /Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec\.portz"/);
  const { stderr } = await exec('kubectl', ['create', '-f', file, '--validate=warn'], { env, timeout: 30_000 });
  t.regex(stderr, /Warning: unknown field "spec\.portz"/);
  t.false('portz' in (await json('get', 'svc', 'typo')).spec);
  const applied = await t.throwsAsync(kubectl('apply', '--server-side', '-f', file));
  t.regex(applied!.message, /failed to create typed patch object \(default\/typo; \/v1, Kind=Service\): \.spec\.portz: field not declared in schema/);
});

test.serial('kubectl › a port written as a string is refused with the decoder’s words, as kube-apiserver refuses it', async (t) => {
  const file = await manifest('quoted-port.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: quoted}\nspec:\n  ports: [{port: "80"}]\n');
  const err = await t.throwsAsync(kubectl('create', '-f', file));
  t.regex(err!.message, /Error from server \(BadRequest\).*Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort\.spec\.ports\.port of type int32/);
  await t.throwsAsync(kubectl('get', 'svc', 'quoted'));
});

test.serial('kubectl › auth can-i, auth can-i --list and auth whoami (self-subject reviews, protobuf bodies)', async (t) => {
  t.is((await kubectl('auth', 'can-i', 'create', 'pods')).trim(), 'yes');
  t.is((await kubectl('auth', 'can-i', 'get', '/healthz')).trim(), 'yes');
  const list = await kubectl('auth', 'can-i', '--list');
  t.regex(list, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  t.regex(list, /^selfsubjectreviews\.authentication\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
  const whoami = JSON.parse(await kubectl('auth', 'whoami', '-o', 'json'));
  t.deepEqual(whoami.status.userInfo, { username: 'svcplane-admin', groups: ['system:masters', 'system:authenticated'] });
  const err = await t.throwsAsync(kubectl('get', 'selfsubjectaccessreviews'));
  t.regex(err!.message, /MethodNotAllowed/);
});

async function waitFor(pred: () => boolean, what: string, show: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${show()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
