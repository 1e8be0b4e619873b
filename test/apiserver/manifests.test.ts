import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyManifests, readManifests } from '../../apiserver/manifests.js';
import { InProcessClient } from '../../apiserver/in-process-client.js';
import { resourceFor } from '../../apiserver/resources.js';
import { MemoryStore } from '../../apiserver/store.js';

test('manifests › reads documents and Lists from a folder and applies them: create, then update keeps server-filled values', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'svcplane-manifests-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80}]\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c1}\n  data: {a: "1"}\n');
  await writeFile(path.join(dir, 'notes.txt'), 'ignored');
  const objects = await readManifests(dir);
  t.deepEqual(objects.map((o) => `${o.file} ${o.object.kind} ${o.object.metadata.name}`), ['a.yaml Service web', 'a.yaml ConfigMap c1']);
  const store = new MemoryStore();
  const client = new InProcessClient(store);
  t.is(await applyManifests(client, objects), 2);
  const services = resourceFor('', 'services');
  const svc = store.get(services, 'default', 'web');
  store.update(services, 'default', 'web', { ...svc, spec: { ...(svc.spec as object), clusterIP: '10.96.0.7', clusterIPs: ['10.96.0.7'] } });
  t.is(await applyManifests(client, objects), 2, 'applying again updates');
  t.is((store.get(services, 'default', 'web').spec as { clusterIP: string }).clusterIP, '10.96.0.7');
  await t.throwsAsync(applyManifests(client, [{ file: 'd.yaml', object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' } } }]), { message: /d\.yaml: batch\/v1\/Job is not served/ });
  store.close();
});
