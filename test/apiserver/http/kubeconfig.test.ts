import test from 'ava';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { buildKubeconfig, writeKubeconfig } from '../../../apiserver/http/kubeconfig.js';

test('buildKubeconfig › one cluster, user and context, selected, TLS verification off for http', (t) => {
  const doc = buildKubeconfig('http://127.0.0.1:4444', 'tok') as Record<string, unknown>;
  t.is(doc['current-context'], 'svcplane-envtest');
  t.deepEqual(doc.clusters, [{ name: 'svcplane-envtest', cluster: { server: 'http://127.0.0.1:4444', 'insecure-skip-tls-verify': true } }]);
  t.deepEqual(doc.users, [{ name: 'svcplane-envtest', user: { token: 'tok' } }]);
});

test('writeKubeconfig › writes YAML with mode 0600 that client-node loads', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'config');
  await writeFile(file, 'old', { mode: 0o644 });
  await writeKubeconfig(file, 'http://127.0.0.1:4444', 'secret-token');
  t.is((await stat(file)).mode & 0o777, 0o600);
  const text = await readFile(file, 'utf8');
  t.is((parse(text) as { users: { user: { token: string } }[] }).users[0].user.token, 'secret-token');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  t.is(kc.getCurrentCluster()?.server, 'http://127.0.0.1:4444');
  t.true(kc.getCurrentCluster()?.skipTLSVerify);
  t.is(kc.getCurrentUser()?.token, 'secret-token');
});
