import test from 'ava';
import { CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { startApiServer, type ApiServerHandle } from '../../apiserver/index.js';

let s: ApiServerHandle;
let kc: KubeConfig;
let core: CoreV1Api;

test.before(async () => {
  s = await startApiServer({ port: 0, faults: true });
  kc = new KubeConfig();
  kc.loadFromFile(s.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});
test.after.always(() => s?.close());

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  code?: number;
}

/** Runs client-node's Watch and records events; `done` resolves with the error it ended with. */
async function watchConfigMaps(namespace: string, query: Record<string, string | undefined>) {
  const seen: Seen[] = [];
  let finish!: (err: unknown) => void;
  const done = new Promise<unknown>((resolve) => (finish = resolve));
  const controller = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/configmaps`,
    query,
    (type: string, obj: { metadata?: { name?: string; resourceVersion?: string }; code?: number }) => {
      seen.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion, code: obj.code });
    },
    (err: unknown) => finish(err),
  );
  return { seen, done, stop: () => controller.abort() };
}

async function until(pred: () => boolean, what: string, show: () => unknown): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(show())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cm = (name: string, data: Record<string, string> = { k: 'v' }): V1ConfigMap => ({ metadata: { name }, data });

async function namespace(name: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } });
}

test.serial('client-node › lists through the written kubeconfig (the token in the URL)', async (t) => {
  const list = await core.listNamespace();
  t.deepEqual(list.items.map((n) => n.metadata?.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  t.truthy(list.metadata?.resourceVersion);
});

test.serial('client-node › create, get, merge-patch and delete a ConfigMap', async (t) => {
  await namespace('crud');
  const created = await core.createNamespacedConfigMap({ namespace: 'crud', body: cm('a') });
  t.truthy(created.metadata?.uid);
  const patched = await core.patchNamespacedConfigMap({ namespace: 'crud', name: 'a', body: { data: { k: 'w' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  t.is(patched.data?.k, 'w');
  await core.deleteNamespacedConfigMap({ namespace: 'crud', name: 'a' });
  const err = await t.throwsAsync(core.readNamespacedConfigMap({ namespace: 'crud', name: 'a' }));
  t.is((err as Error & { code?: number }).code, 404);
});

test.serial('client-node › Watch delivers live events', async (t) => {
  await namespace('live');
  const w = await watchConfigMaps('live', {});
  await core.createNamespacedConfigMap({ namespace: 'live', body: cm('x') });
  await core.replaceNamespacedConfigMap({ namespace: 'live', name: 'x', body: cm('x', { k: 'changed' }) });
  await core.deleteNamespacedConfigMap({ namespace: 'live', name: 'x' });
  await until(() => w.seen.length === 3, 'three events', () => w.seen);
  t.deepEqual(w.seen.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  w.stop();
});

test.serial('client-node › a watch resumed from a resourceVersion receives every change made while it was down', async (t) => {
  await namespace('resume');
  await core.createNamespacedConfigMap({ namespace: 'resume', body: cm('keep') });
  await core.createNamespacedConfigMap({ namespace: 'resume', body: cm('gone') });
  const first = await watchConfigMaps('resume', {});
  await until(() => first.seen.length === 2, 'the initial ADDED events', () => first.seen);
  const lastRV = (await core.listNamespacedConfigMap({ namespace: 'resume' })).metadata!.resourceVersion!;
  first.stop();
  await first.done;
  // While nobody watches: an update, a delete and a create.
  await core.replaceNamespacedConfigMap({ namespace: 'resume', name: 'keep', body: cm('keep', { k: 'v2' }) });
  await core.deleteNamespacedConfigMap({ namespace: 'resume', name: 'gone' });
  await core.createNamespacedConfigMap({ namespace: 'resume', body: cm('new') });
  const resumed = await watchConfigMaps('resume', { resourceVersion: lastRV });
  await until(() => resumed.seen.length === 3, 'the replay', () => resumed.seen);
  t.deepEqual(resumed.seen.map((e) => [e.type, e.name]), [['MODIFIED', 'keep'], ['DELETED', 'gone'], ['ADDED', 'new']]);
  t.true(resumed.seen.every((e) => Number(e.rv) > Number(lastRV)));
  resumed.stop();
});

test.serial('client-node › closing every watch ends the Watch cleanly; after a forced compaction a resume gets 410', async (t) => {
  await namespace('compact');
  const created = await core.createNamespacedConfigMap({ namespace: 'compact', body: cm('a') });
  const rv = created.metadata!.resourceVersion!;
  const w = await watchConfigMaps('compact', { resourceVersion: rv });
  s.faults!.closeAllWatches();
  t.is(await w.done, null, 'a server-side close is a clean end');
  await core.replaceNamespacedConfigMap({ namespace: 'compact', name: 'a', body: cm('a', { k: 'v2' }) });
  s.faults!.compact();
  const stale = await watchConfigMaps('compact', { resourceVersion: rv });
  t.is(await stale.done, null);
  t.deepEqual(stale.seen, [{ type: 'ERROR', name: undefined, rv: undefined, code: 410 }]);
});
