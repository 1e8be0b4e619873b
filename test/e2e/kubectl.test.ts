import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApiServer, type ApiServerHandle } from '../../apiserver/index.js';

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

async function kubectl(...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('kubectl', args, { env, timeout: 30_000 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

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

async function waitFor(pred: () => boolean, what: string, show: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${show()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
