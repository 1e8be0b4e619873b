/**
 * Applies YAML manifests (files of one or more documents, `List`s included) to a client, as
 * `kubectl apply` does for objects it creates: create, or replace the spec of an existing object.
 * Used by `svcplane dev --examples` to seed the bundled API server.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api-types/meta.js';
import type { KubeClient } from '../controllers/runtime/kube-client.js';
import { ApiError } from './errors.js';
import { RESOURCES, groupVersion } from './resources.js';

/** Reads every object from the `.yaml`/`.yml` files of a folder (sorted by file name). */
export async function readManifests(dir: string): Promise<{ file: string; object: KubeObject }[]> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out: { file: string; object: KubeObject }[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(path.join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new TypeError(`${file}: ${doc.errors[0].message}`);
      const obj = doc.toJS() as (KubeObject & { items?: KubeObject[] }) | null;
      if (!obj) continue;
      for (const item of obj.kind === 'List' ? (obj.items ?? []) : [obj]) out.push({ file, object: item });
    }
  }
  return out;
}

/**
 * Creates each object, or updates it when it exists (keeping what the server filled in, such
 * as allocated values, through the server's own update rules). Objects of kinds the server does
 * not serve are rejected with a TypeError naming the file.
 */
export async function applyManifests(client: KubeClient, objects: { file: string; object: KubeObject }[], defaultNamespace = 'default'): Promise<number> {
  let applied = 0;
  for (const { file, object } of objects) {
    const r = RESOURCES.find((x) => groupVersion(x) === object.apiVersion && x.kind === object.kind);
    if (!r) throw new TypeError(`${file}: ${object.apiVersion}/${object.kind} is not served by this API server`);
    const rc = client.resource({ group: r.group, version: r.version, resource: r.resource });
    const ns = r.namespaced ? (object.metadata.namespace ?? defaultNamespace) : undefined;
    try {
      await rc.create(ns, object, { fieldManager: 'svcplane-examples' });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists')) throw err;
      const current = await rc.get(ns, object.metadata.name ?? '');
      await rc.update({ ...object, metadata: { ...current.metadata, labels: object.metadata.labels, annotations: object.metadata.annotations } }, { fieldManager: 'svcplane-examples' });
    }
    applied++;
  }
  return applied;
}
