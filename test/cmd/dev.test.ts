import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { kubeconfigLine, runSvcplane } from '../helpers/svcplane-process.js';

const exec = promisify(execFile);

test('svcplane dev › serves kubectl, runs the controllers, and exits 0 on SIGTERM', async (t) => {
  const home = await mkdtemp(path.join(tmpdir(), 'svcplane-dev-home-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const r = runSvcplane(['dev', '--port', '0', '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0', '--log-format', 'json']);
  t.teardown(() => r.child.kill('SIGKILL'));
  const kubeconfig = await kubeconfigLine(r);
  const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig };
  const manifest = path.join(home, 'svc.yaml');
  await writeFile(manifest, 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  clusterIP: 10.96.0.20\n  ports: [{name: http, port: 80, targetPort: 8080}]\n');
  await exec('kubectl', ['apply', '-f', manifest], { env });
  // The EndpointSlice controller writes the placeholder slice for the new Service (beside the
  // API server's own slice for the kubernetes Service).
  let slices: { items: { metadata: { labels: Record<string, string> } }[] } = { items: [] };
  for (let i = 0; i < 100 && slices.items.length === 0; i++) {
    slices = JSON.parse((await exec('kubectl', ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'], { env })).stdout);
    if (!slices.items.length) await new Promise((res) => setTimeout(res, 100));
  }
  t.is(slices.items.length, 1);
  t.is(slices.items[0]?.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  // The ServiceCIDR controller runs too: the API server's ServiceCIDR gets its finalizer.
  let finalizers = '';
  for (let i = 0; i < 100 && !finalizers.includes('service-cidr-finalizer'); i++) {
    finalizers = (await exec('kubectl', ['get', 'servicecidr', 'kubernetes', '-o', 'jsonpath={.metadata.finalizers}'], { env })).stdout;
    if (!finalizers.includes('service-cidr-finalizer')) await new Promise((res) => setTimeout(res, 100));
  }
  t.is(finalizers, '["networking.k8s.io/service-cidr-finalizer"]');
  t.regex(r.stderr(), /"msg":"serving metrics and health endpoints"/);
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
  t.is(r.stdout().trim().split('\n').length, 1, 'exactly one stdout line');
});

test('svcplane dev › --host sets the address the API server binds and the kubeconfig names', async (t) => {
  const r = runSvcplane(['dev', '--port', '0', '--host', '127.0.0.2', '--controllers', 'endpoints', '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0', '--log-format', 'json']);
  t.teardown(() => r.child.kill('SIGKILL'));
  const kc = parse(await readFile(await kubeconfigLine(r), 'utf8')) as { clusters: { cluster: { server: string } }[] };
  const server = kc.clusters[0].cluster.server;
  t.regex(server, /^http:\/\/127\.0\.0\.2:\d+\//);
  const res = await fetch(`${server}/version`);
  t.is(res.status, 200);
  t.regex(((await res.json()) as { gitVersion: string }).gitVersion, /^v1\.33\./);
  // Nothing listens on the default address at that port.
  const port = new URL(server).port;
  await t.throwsAsync(fetch(`http://127.0.0.1:${port}/version`));
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
  // No leader election here, so no Lease to release.
  t.regex(r.stderr(), /"msg":"shutting down: stopping controllers, draining queues"/);
});

test('svcplane run › a bad flag value names the flag and exits 2', async (t) => {
  const r = runSvcplane(['run', '--controllers', '*,-nodeports']);
  t.is(await r.exit, 2);
  t.regex(r.stderr(), /--controllers.*"nodeports" is not a known controller/);
});

test('svcplane dev › the kubernetes Service gets the first IP of --service-cluster-ip-range and one IPAddress, with no Warning', async (t) => {
  const r = runSvcplane(['dev', '--port', '0', '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0', '--log-format', 'json',
    '--service-cluster-ip-range', '10.97.0.0/24', '--allocator-repair-interval', '100ms', '--allocator-leak-grace-period', '100ms']);
  t.teardown(() => r.child.kill('SIGKILL'));
  const kc = parse(await readFile(await kubeconfigLine(r), 'utf8')) as { clusters: { cluster: { server: string } }[] };
  const api = async (apiPath: string, body?: unknown) => {
    const res = await fetch(`${kc.clusters[0].cluster.server}${apiPath}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as { spec?: { clusterIPs?: string[]; ipFamilies?: string[] }; items?: { metadata: { name: string }; spec?: { parentRef?: { name: string } }; type?: string; regarding?: { name: string } }[] };
  };
  const until = async (what: string, ok: () => Promise<boolean>) => {
    for (let i = 0; !(await ok()); i++) {
      if (i > 200) throw new Error(`${what} did not happen; stderr tail: ${r.stderr().slice(-2000)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  // Controls: leaked claims the repair must delete (with a Warning each), after the grace period.
  for (const ip of ['10.97.0.77', '10.97.0.78']) {
    await api('/apis/networking.k8s.io/v1/ipaddresses', {
      apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress',
      metadata: { name: ip, labels: { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'serviceip-controller.svcplane.io' } },
      spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'ghost' } },
    });
    await until(`control ${ip} deleted`, async () => !(await api('/apis/networking.k8s.io/v1/ipaddresses')).items?.some((o) => o.metadata.name === ip));
  }
  const svc = await api('/api/v1/namespaces/default/services/kubernetes');
  t.deepEqual(svc.spec?.clusterIPs, ['10.97.0.1']);
  t.deepEqual(svc.spec?.ipFamilies, ['IPv4']);
  const claims = (await api('/apis/networking.k8s.io/v1/ipaddresses')).items ?? [];
  t.deepEqual(claims.map((o) => `${o.metadata.name} ${o.spec?.parentRef?.name}`), ['10.97.0.1 kubernetes']);
  const warnings = ((await api('/apis/events.k8s.io/v1/events')).items ?? []).filter((e) => e.type === 'Warning');
  t.deepEqual([...new Set(warnings.map((e) => e.regarding?.name))].sort(), ['10.97.0.77', '10.97.0.78'], 'only the controls were reported');
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
});
