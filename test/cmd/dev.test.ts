import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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
  // The EndpointSlice controller writes the placeholder slice for the new Service.
  let slices: { items: { metadata: { labels: Record<string, string> } }[] } = { items: [] };
  for (let i = 0; i < 100 && slices.items.length === 0; i++) {
    slices = JSON.parse((await exec('kubectl', ['get', 'endpointslices', '-o', 'json'], { env })).stdout);
    if (!slices.items.length) await new Promise((res) => setTimeout(res, 100));
  }
  t.is(slices.items[0]?.metadata.labels['kubernetes.io/service-name'], 'web');
  t.regex(r.stderr(), /"msg":"serving metrics and health endpoints"/);
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
  t.is(r.stdout().trim().split('\n').length, 1, 'exactly one stdout line');
});

test('svcplane run › a bad flag value names the flag and exits 2', async (t) => {
  const r = runSvcplane(['run', '--controllers', '*,-nodeports']);
  t.is(await r.exit, 2);
  t.regex(r.stderr(), /--controllers.*"nodeports" is not a known controller/);
});
