import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { parse } from 'yaml';
import { defaultPublicIP } from '../../apiserver/kubernetes-service.js';
import { parsePort } from '../../cmd/envtest.js';
import { kubectlIn } from '../helpers/kubectl.js';

const bin = fileURLToPath(new URL('../../cmd/svcplane.mjs', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Waits (bounded) for the KUBECONFIG= line. */
async function kubeconfigLine(r: Run): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = /^KUBECONFIG=(.+)$/m.exec(r.stdout());
    if (m) return m[1];
    if (Date.now() > deadline || r.child.exitCode !== null) throw new Error(`no KUBECONFIG line; stderr: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

test('parsePort › 0–65535 only', (t) => {
  t.is(parsePort('0'), 0);
  t.is(parsePort('65535'), 65535);
  for (const bad of ['abc', '70000', '-1', '1.5', '']) t.throws(() => parsePort(bad), { instanceOf: InvalidArgumentError }, bad);
});

test('svcplane envtest › serves, prints one KUBECONFIG line, and exits 0 on SIGTERM', async (t) => {
  const r = run(['envtest', '--port', '0']);
  t.teardown(() => r.child.kill('SIGKILL'));
  const file = await kubeconfigLine(r);
  t.is((await stat(file)).mode & 0o777, 0o600);
  const kc = parse(await readFile(file, 'utf8')) as { clusters: { cluster: { server: string } }[]; users: { user: { token: string } }[] };
  const res = await fetch(`${kc.clusters[0].cluster.server}/api/v1/namespaces/default`, { headers: { authorization: `Bearer ${kc.users[0].user.token}` } });
  t.is(res.status, 200);
  t.is(((await res.json()) as { metadata: { name: string } }).metadata.name, 'default');
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
  t.is(r.stdout().trim().split('\n').length, 1, 'exactly one stdout line');
  t.false(existsSync(file), 'the temporary kubeconfig is removed');
});

test('svcplane envtest › --kubeconfig-out writes there and SIGINT also exits 0', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'envtest-cmd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'kc.yaml');
  const r = run(['envtest', '--port', '0', '--kubeconfig-out', out, '--enable-fault-injection', '--gc']);
  t.teardown(() => r.child.kill('SIGKILL'));
  t.is(await kubeconfigLine(r), out);
  const kc = parse(await readFile(out, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  // The server URL carries the token, so the faults endpoint answers without a header.
  const res = await fetch(`${kc.clusters[0].cluster.server}/svcplane/faults/resource-version`);
  t.is(res.status, 200);
  r.child.kill('SIGINT');
  t.is(await r.exit, 0);
});

test('svcplane (process) › a bad flag exits 2 with the message on stderr', async (t) => {
  const r = run(['envtest', '--port', 'abc']);
  t.is(await r.exit, 2);
  t.regex(r.stderr(), /option '--port <n>' argument 'abc' is invalid/);
  t.is(r.stdout(), '');
});

/** What the tests read of an answer. */
interface Answer {
  spec?: { clusterIP?: string; cidrs?: string[]; ports?: { targetPort: number }[] };
  subsets?: unknown[];
}

/** GETs a path with the kubeconfig's server URL (which carries the token). */
async function getJSON(kubeconfig: string, apiPath: string): Promise<{ status: number; body: Answer }> {
  const kc = parse(await readFile(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  const res = await fetch(`${kc.clusters[0].cluster.server}${apiPath}`);
  return { status: res.status, body: (await res.json()) as Answer };
}

test('svcplane envtest › by default the kubernetes Service is on the first IP of svcplane run\'s default range, 10.96.0.0/12 (kubectl get svc kubernetes)', async (t) => {
  const home = await mkdtemp(path.join(tmpdir(), 'envtest-kubectl-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const r = run(['envtest', '--port', '0']);
  t.teardown(() => r.child.kill('SIGKILL'));
  const kubeconfig = await kubeconfigLine(r);
  const kubectl = kubectlIn(() => ({ ...process.env, HOME: home, KUBECONFIG: kubeconfig }));
  t.regex(await kubectl('get', 'svc', 'kubernetes'), /^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s/m);
  t.is(await kubectl('get', 'servicecidr', 'kubernetes', '-o', 'jsonpath={.spec.cidrs}'), '["10.96.0.0/12"]');
  // Bound to loopback, it publishes a host interface's address, as kube-apiserver picks it; a
  // host with none gets loopback, which validation refuses, as kube-apiserver's does.
  const published = defaultPublicIP('127.0.0.1');
  if (published === '127.0.0.1') t.regex(r.stderr(), /unable to sync kubernetes service: Endpoints \\"kubernetes\\" is invalid: .*may not be in the loopback range/);
  else t.is(await kubectl('get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}'), published);
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
});

test('svcplane envtest › --service-cluster-ip-range and --advertise-address set the ServiceCIDR, the Service IP and the published endpoint', async (t) => {
  const r = run(['envtest', '--port', '0', '--service-cluster-ip-range', '10.1.0.0/16,fd00:1::/108', '--advertise-address', '192.0.2.10']);
  t.teardown(() => r.child.kill('SIGKILL'));
  const kubeconfig = await kubeconfigLine(r);
  const svc = await getJSON(kubeconfig, '/api/v1/namespaces/default/services/kubernetes');
  t.is(svc.status, 200);
  t.is(svc.body.spec?.clusterIP, '10.1.0.1');
  const port = svc.body.spec?.ports?.[0].targetPort;
  const kc = parse(await readFile(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  t.is(new URL(kc.clusters[0].cluster.server).port, String(port));
  t.deepEqual((await getJSON(kubeconfig, '/apis/networking.k8s.io/v1/servicecidrs/kubernetes')).body.spec?.cidrs, ['10.1.0.0/16', 'fd00:1::/108']);
  t.deepEqual((await getJSON(kubeconfig, '/api/v1/namespaces/default/endpoints/kubernetes')).body.subsets, [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }]);
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
});

test('svcplane envtest › a bad --service-cluster-ip-range exits 2 naming the flag, before serving', async (t) => {
  const r = run(['envtest', '--port', '0', '--service-cluster-ip-range', '10.0.0.0/33']);
  t.is(await r.exit, 2);
  t.regex(r.stderr(), /option '--service-cluster-ip-range <cidrs>' argument '10\.0\.0\.0\/33' is invalid/);
  t.is(r.stdout(), '');
});
