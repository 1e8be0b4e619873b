import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApiServer, type ApiServerHandle } from '../../apiserver/index.js';
import { MemoryStore } from '../../apiserver/store.js';
import { FakeStoreClock } from '../helpers/fake-store-clock.js';
import { kubectlIn } from '../helpers/kubectl.js';


let s: ApiServerHandle;
let store: MemoryStore;
let clock: FakeStoreClock;
let home: string;
let env: NodeJS.ProcessEnv;

test.before(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'kubectl-tables-'));
  // The store's clock drives the AGE column, so the test knows what kubectl must print.
  clock = new FakeStoreClock('2026-01-02T03:04:05Z');
  store = new MemoryStore({ clock });
  s = await startApiServer({ port: 0, store, kubeconfigPath: path.join(home, 'kubeconfig') });
  // A private HOME keeps kubectl's discovery cache away from the user's and other tests'.
  env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: s.kubeconfigPath };
});
test.after.always(async () => {
  await s?.close();
  store?.close();
  await rm(home, { recursive: true, force: true });
});

const kubectl = kubectlIn(() => env);

async function apply(name: string, yaml: string): Promise<void> {
  const file = path.join(home, name);
  await writeFile(file, yaml);
  await kubectl('apply', '-f', file);
}

/** kubectl's table output as rows of cells (columns are separated by at least two spaces, or by padding). */
function rowsOf(out: string): string[][] {
  return out.trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

const running = (name: string) => ({ name, ready: true, restartCount: 0, image: 'nginx', imageID: '', started: true, state: { running: { startedAt: '2026-01-02T03:04:05Z' } } });

test.serial('kubectl get svc -o wide › TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE and SELECTOR from the server Table', async (t) => {
  await apply('svc.yaml', `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: 10.96.0.42
  selector: {app: web, tier: front}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
`);
  clock.advance(10 * 60_000);
  const rows = rowsOf(await kubectl('get', 'svc', 'web', '-o', 'wide'));
  t.deepEqual(rows[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
  t.deepEqual(rows[1], ['web', 'ClusterIP', '10.96.0.42', '<none>', '80/TCP,443/TCP', '10m', 'app=web,tier=front']);
  // Without -o wide kubectl drops the priority-1 column.
  t.deepEqual(rowsOf(await kubectl('get', 'svc', 'web'))[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
});

test.serial('kubectl get pods › READY and STATUS from the server Table (Running, CrashLoopBackOff with the last restart)', async (t) => {
  const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: web}}
spec:
  containers: [{name: main, image: nginx}]
`;
  await apply('pod-a.yaml', pod('web-a'));
  await apply('pod-b.yaml', pod('web-b'));
  await kubectl('patch', 'pod', 'web-a', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [running('main')] } }));
  const crashing = { ...running('main'), ready: false, started: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-01-02T03:12:05Z' } } };
  await kubectl('patch', 'pod', 'web-b', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', containerStatuses: [crashing] } }));
  clock.advance(3 * 60_000);
  const rows = rowsOf(await kubectl('get', 'pods'));
  t.deepEqual(rows, [
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    ['web-a', '1/1', 'Running', '0', '3m'],
    ['web-b', '0/1', 'CrashLoopBackOff', '4 (5m ago)', '3m'],
  ]);
});

test.serial('kubectl get pods,svc,ep,endpointslices,nodes,ns,leases,events -o wide › the wide columns of each kind that has objects', async (t) => {
  const out = await kubectl('get', 'pods,svc,ep,endpointslices,nodes,ns,leases,events', '-o', 'wide');
  const headers = out.split('\n').filter((l) => l.startsWith('NAME')).map((l) => l.trim().split(/\s{2,}/));
  t.deepEqual(headers, [
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'],
    ['NAME', 'STATUS', 'AGE'],
  ]);
  t.regex(out, /^namespace\/default\s+Active\s+13m$/m);
});

test.serial('kubectl get configmaps -w › the first Table and each watch event print as rows', async (t) => {
  await apply('cm-a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-a}\ndata: {k: v}\n');
  const child = spawn('kubectl', ['get', 'configmaps', '-w'], { env });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const lines = () => out.split('\n').filter((l) => l !== '').map((l) => l.trim().split(/\s{2,}/));
  await waitFor(() => lines().length >= 2, 'the listed row', () => out + err);
  await apply('cm-b.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-b}\ndata: {k: v, l: w}\n');
  await waitFor(() => lines().some((l) => l[0] === 'cm-b'), 'the watched row', () => out + err);
  t.deepEqual(lines()[0], ['NAME', 'DATA', 'AGE']);
  t.deepEqual(lines().find((l) => l[0] === 'cm-a'), ['cm-a', '1', '0s']);
  t.deepEqual(lines().find((l) => l[0] === 'cm-b'), ['cm-b', '2', '0s']);
});

/** Waits (a bounded poll of real output) until `pred` holds. */
async function waitFor(pred: () => boolean, what: string, got: () => string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got: ${got()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
