/**
 * In-memory claims for servers that do not serve networking.k8s.io/v1 IPAddress: the same
 * create/get/delete contract (AlreadyExists on a taken name, NotFound, uid preconditions), held
 * by this process alone. Only leader election then keeps two replicas from handing out one IP.
 */
import { randomUUID } from 'node:crypto';
import type { IPAddress } from '../../api-types/networking.js';
import { alreadyExists, conflict, notFound } from '../../apiserver/errors.js';
import type { ResourceClient } from '../runtime/kube-client.js';

const r = { group: 'networking.k8s.io', resource: 'ipaddresses' };

/** A ResourceClient of IPAddresses kept in memory (create, get, delete; other verbs throw). */
export function memoryClaims(): ResourceClient<IPAddress> {
  const items = new Map<string, IPAddress>();
  const unsupported = (): never => {
    throw new TypeError('memory claims support create, get and delete only');
  };
  return {
    async get(_ns, name) {
      const obj = items.get(name);
      if (!obj) throw notFound(r, name);
      return obj;
    },
    async create(_ns, obj) {
      const name = obj.metadata.name ?? '';
      if (items.has(name)) throw alreadyExists(r, name);
      const stored: IPAddress = { ...obj, metadata: { ...obj.metadata, uid: randomUUID() } };
      items.set(name, stored);
      return stored;
    },
    async delete(_ns, name, opts) {
      const obj = items.get(name);
      if (!obj) throw notFound(r, name);
      const uid = opts?.preconditions?.uid;
      if (uid && uid !== obj.metadata.uid) throw conflict(r, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${obj.metadata.uid}`);
      items.delete(name);
      return obj;
    },
    list: unsupported,
    watch: unsupported,
    update: unsupported,
    updateStatus: unsupported,
    patch: unsupported,
  };
}
