/**
 * Endpoints subsets in canonical form (../shared/reference/kubernetes-behaviour.md §4.3), ported
 * from `pkg/api/v1/endpoints/util.go` (`RepackSubsets`). The API server canonicalizes every
 * Endpoints it stores the same way (apiserver/validation/endpoints.ts `repackSubsets`, with the
 * same order of ports and subsets); this copy exists because a pure core may not import server
 * code, and because the controller's hot path needs it without per-address cloning or JSON.
 * test/controllers/endpoints/repack.test.ts checks the two agree.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset } from '../../api-types/core.js';

/** Orders strings by UTF-16 code units, which is byte order for the ASCII of IPs and UIDs. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders addresses by IP text, then targetRef UID (an address without targetRef first). */
export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  const byIP = compareText(a.ip, b.ip);
  if (byIP !== 0) return byIP;
  if (!a.targetRef || !b.targetRef) return a.targetRef ? 1 : b.targetRef ? -1 : 0;
  return compareText(a.targetRef.uid ?? '', b.targetRef.uid ?? '');
}

/**
 * Orders ports by name, number and protocol. Kubernetes orders them by an object hash, so the
 * order means nothing there; svcplane fixes one so equal subsets print equal.
 */
export function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return compareText(a.name ?? '', b.name ?? '') || a.port - b.port || compareText(a.protocol ?? '', b.protocol ?? '');
}

/** The identity of a port within a subset: name, number, protocol and appProtocol. */
export function portKey(p: EndpointPort): string {
  return JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? null]);
}

/** The key subsets are sorted by: the first address (ready first) and the port keys. */
export function subsetSortKey(ss: EndpointSubset): string {
  const first = ss.addresses?.[0] ?? ss.notReadyAddresses?.[0];
  return JSON.stringify([first?.ip ?? '', first?.targetRef?.uid ?? '', (ss.ports ?? []).map(portKey)]);
}

/** Sorts subsets in canonical order, in place, and returns them. */
export function sortSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  if (subsets.length < 2) return subsets;
  const keyed = subsets.map((s) => ({ s, k: subsetSortKey(s) }));
  keyed.sort((a, b) => compareText(a.k, b.k));
  for (let i = 0; i < keyed.length; i++) subsets[i] = keyed[i].s;
  return subsets;
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
}

function copyAddress(a: EndpointAddress): EndpointAddress {
  const out: EndpointAddress = { ...a };
  if (a.targetRef) out.targetRef = { ...a.targetRef };
  return out;
}

function sortIfNeeded<T>(xs: T[], cmp: (a: T, b: T) => number): T[] {
  for (let i = 1; i < xs.length; i++) if (cmp(xs[i - 1], xs[i]) > 0) return xs.sort(cmp);
  return xs;
}

// The entry of a subset without ports: its addresses are kept, under no port.
const noPort = '\u0000none';

/**
 * Expands, merges and sorts subsets into canonical form; the input is not modified.
 *
 * 1. Map each port to the addresses serving it with a ready flag; addresses are the same when IP
 *    and targetRef.uid match (the first one seen is kept), and not ready wins over ready.
 * 2. Group the ports whose address sets (flags included) are identical.
 * 3. Emit one subset per group: ready `addresses`, `notReadyAddresses`, `ports`, each sorted.
 * 4. Sort the subsets by {@link subsetSortKey}.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  // 1.
  const firstSeen = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort | undefined; addrs: Map<string, boolean> }>();
  const note = (addrs: Map<string, boolean>, a: EndpointAddress, ready: boolean): void => {
    const k = addressKey(a);
    if (!firstSeen.has(k)) firstSeen.set(k, a);
    if (!ready) addrs.set(k, false);
    else if (!addrs.has(k)) addrs.set(k, true);
  };
  for (const ss of subsets) {
    const ports: (EndpointPort | undefined)[] = ss.ports && ss.ports.length > 0 ? ss.ports : [undefined];
    for (const port of ports) {
      const pk = port ? portKey(port) : noPort;
      let entry = byPort.get(pk);
      if (!entry) byPort.set(pk, (entry = { port, addrs: new Map() }));
      for (const a of ss.addresses ?? []) note(entry.addrs, a, true);
      for (const a of ss.notReadyAddresses ?? []) note(entry.addrs, a, false);
    }
  }
  // 2.
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const keys = sortIfNeeded([...addrs.keys()], compareText);
    const gk = keys.map((k) => (addrs.get(k) ? `+${k}` : `-${k}`)).join('\u0001');
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { addrs, ports: [] }));
    if (port && typeof port.port === 'number' && port.port > 0) g.ports.push({ ...port });
  }
  // 3.
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, isReady] of g.addrs) (isReady ? ready : notReady).push(copyAddress(firstSeen.get(k)!));
    const ss: EndpointSubset = {};
    if (ready.length > 0) ss.addresses = sortIfNeeded(ready, compareAddresses);
    if (notReady.length > 0) ss.notReadyAddresses = sortIfNeeded(notReady, compareAddresses);
    if (g.ports.length > 0) ss.ports = g.ports.sort(comparePorts);
    out.push(ss);
  }
  // 4.
  return sortSubsets(out);
}
