import test from 'ava';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfigError, loadKubeConfig, SERVICE_ACCOUNT_DIR } from '../../cmd/kubeconfig.js';

const config = (server: string | undefined, context = 'c') => `apiVersion: v1
kind: Config
current-context: ${context}
contexts: [{name: c, context: {cluster: k, user: u}}]
clusters: [{name: k, cluster: {${server ? `server: ${server}` : 'insecure-skip-tls-verify: true'}}}]
users: [{name: u, user: {token: t}}]
`;

async function scratch(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'svcplane-kubeconfig-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('loadKubeConfig › --kubeconfig, then $KUBECONFIG (first file\'s context), then ~/.kube/config', async (t) => {
  const dir = await scratch(t);
  await writeFile(path.join(dir, 'a'), config('http://a.example:1'));
  await writeFile(path.join(dir, 'b'), config('http://b.example:2'));
  await mkdir(path.join(dir, 'home', '.kube'), { recursive: true });
  await writeFile(path.join(dir, 'home', '.kube', 'config'), config('http://home.example:3'));
  const home = path.join(dir, 'home');
  t.is(loadKubeConfig(path.join(dir, 'b'), { env: { KUBECONFIG: path.join(dir, 'a') }, home }).getCurrentCluster()?.server, 'http://b.example:2');
  const list = [path.join(dir, 'missing'), path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter);
  t.is(loadKubeConfig(undefined, { env: { KUBECONFIG: list }, home }).getCurrentCluster()?.server, 'http://a.example:1');
  t.is(loadKubeConfig(undefined, { env: {}, home }).getCurrentCluster()?.server, 'http://home.example:3');
});

test('loadKubeConfig › in-cluster needs both environment variables and the token file; otherwise an error naming what is missing', async (t) => {
  const dir = await scratch(t);
  const home = path.join(dir, 'nohome');
  const notInCluster = t.throws(() => loadKubeConfig(undefined, { env: {}, home, serviceAccountPrefix: dir }), { instanceOf: KubeConfigError });
  t.regex(notInCluster?.message ?? '', /unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
  const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
  const noToken = t.throws(() => loadKubeConfig(undefined, { env, home, serviceAccountPrefix: dir }), { instanceOf: KubeConfigError });
  t.regex(noToken?.message ?? '', /serviceaccount\/token: no such file or directory/);
  await mkdir(path.join(dir, SERVICE_ACCOUNT_DIR), { recursive: true });
  await writeFile(path.join(dir, SERVICE_ACCOUNT_DIR, 'token'), 'abc');
  const hostBefore = process.env.KUBERNETES_SERVICE_HOST;
  const kc = loadKubeConfig(undefined, { env, home, serviceAccountPrefix: dir });
  t.is(kc.getCurrentCluster()?.server, 'https://[fd00::1]:443');
  t.is(process.env.KUBERNETES_SERVICE_HOST, hostBefore, 'the process environment is left as it was');
  // https whatever the port, as client-go (client-node would pick http for 8080).
  t.is(loadKubeConfig(undefined, { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '8080' }, home, serviceAccountPrefix: dir }).getCurrentCluster()?.server, 'https://10.0.0.1:8080');
  // Kubeconfig files that give no cluster yield to it, as client-go's deferred loading does.
  t.is(loadKubeConfig(undefined, { env: { ...env, KUBECONFIG: path.join(dir, 'missing') }, home, serviceAccountPrefix: dir }).getCurrentCluster()?.server, 'https://[fd00::1]:443');
  await mkdir(path.join(dir, 'empty', '.kube'), { recursive: true });
  await writeFile(path.join(dir, 'empty', '.kube', 'config'), 'apiVersion: v1\nkind: Config\n');
  t.is(loadKubeConfig(undefined, { env, home: path.join(dir, 'empty'), serviceAccountPrefix: dir }).getCurrentCluster()?.server, 'https://[fd00::1]:443');
  // Without the in-cluster configuration, the same files are an error naming them.
  t.regex(t.throws(() => loadKubeConfig(undefined, { env: { KUBECONFIG: path.join(dir, 'missing') }, home, serviceAccountPrefix: dir }))?.message ?? '', /^KUBECONFIG=.*missing: none of these files exists, and unable to load in-cluster configuration/);
  t.regex(t.throws(() => loadKubeConfig(undefined, { env: {}, home: path.join(dir, 'empty'), serviceAccountPrefix: dir }))?.message ?? '', /\.kube\/config: no current context is set$/);
});

test('loadKubeConfig › a malformed file, no current context, or a cluster without a server is a KubeConfigError naming the source', async (t) => {
  const dir = await scratch(t);
  const file = (name: string) => path.join(dir, name);
  await writeFile(file('bad'), 'clusters: [unclosed');
  await writeFile(file('nocontext'), config('http://x.example:1', '""'));
  await writeFile(file('dangling'), config('http://x.example:1', 'other'));
  await writeFile(file('noserver'), config(undefined));
  for (const [name, want] of [['bad', /^--kubeconfig .*bad: /], ['nocontext', /no current context is set/], ['dangling', /context "other" names no cluster/], ['noserver', /^--kubeconfig .*noserver: clusters\[0\]\.cluster\.server is missing/]] as const) {
    const err = t.throws(() => loadKubeConfig(file(name)), { instanceOf: KubeConfigError }, name);
    t.regex(err?.message ?? '', want, name);
  }
});

test('svcplane run and status › no usable kubeconfig is a usage error (2) naming what is missing, not a retry loop', async (t) => {
  const { runSvcplane } = await import('../helpers/svcplane-process.js');
  const dir = await scratch(t);
  const env = { PATH: process.env.PATH, HOME: dir };
  for (const args of [['run', '--no-leader-elect'], ['status']]) {
    const r = runSvcplane(args, env);
    t.teardown(() => r.child.kill('SIGKILL'));
    t.is(await r.exit, 2, args.join(' '));
    t.regex(r.stderr(), /error: no kubeconfig \(--kubeconfig, \$KUBECONFIG, ~\/\.kube\/config\) and unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/, args.join(' '));
  }
  await writeFile(path.join(dir, 'bad'), 'clusters: [unclosed');
  const bad = runSvcplane(['run', '--kubeconfig', path.join(dir, 'bad')], env);
  t.is(await bad.exit, 2);
  t.regex(bad.stderr(), /error: --kubeconfig .*bad: /);
});
