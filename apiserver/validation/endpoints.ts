/**
 * core/v1 Endpoints: port defaults, canonical repacking of subsets (pkg/api/v1/endpoints/util.go
 * RepackSubsets, called from pkg/registry/core/endpoint/strategy.go Canonicalize) and validation
 * (pkg/apis/core/validation/validation.go ValidateEndpoints).
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints } from '../../api-types/core.js';
import { type FieldCause, FieldPath, invalid, notSupported, required, textOf } from './field.js';
import { validateNonSpecialIP } from './ip-rules.js';
import { records, str, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { defaultProtocols, supportedProtocols } from './ports.js';

/** Defaults every subset port's protocol to TCP. */
export function defaultEndpoints(ep: Endpoints): void {
  for (const ss of records<EndpointSubset>(ep.subsets)) defaultProtocols(ss.ports);
}

/** Replaces `subsets` with their repacked form (see {@link repackSubsets}). */
export function canonicalizeEndpoints(ep: Endpoints): void {
  if (Array.isArray(ep.subsets)) ep.subsets = repackSubsets(ep.subsets);
}

// A port without ports in its subset still keeps its addresses, under this sentinel.
const noPort = '\u0000none';

function addressKey(a: EndpointAddress): string {
  return JSON.stringify([a.ip, a.targetRef?.uid ?? '']);
}

function portKey(p: EndpointPort): string {
  return JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? null]);
}

/**
 * Expands, merges and sorts Endpoints subsets into their canonical form:
 *
 * 1. Map each port to the set of addresses serving it with a ready flag; addresses are the same
 *    when IP and targetRef.uid match, and one seen both ready and not ready is not ready.
 * 2. Group the ports whose address sets (with flags) are identical.
 * 3. Emit one subset per group: ready `addresses`, `notReadyAddresses`, `ports`.
 * 4. Sort addresses by IP (bytewise) then targetRef.uid (none first). Kubernetes orders ports and
 *    subsets by an object hash, so their order carries no meaning; svcplane sorts ports by
 *    (name, port, protocol) and subsets by their first address, for a stable result.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  // 1.
  const firstSeen = new Map<string, EndpointAddress>();
  const ports = new Map<string, EndpointPort | undefined>();
  const byPort = new Map<string, Map<string, boolean>>();
  const note = (pk: string, addr: EndpointAddress, ready: boolean): void => {
    const ak = addressKey(addr);
    if (!firstSeen.has(ak)) firstSeen.set(ak, addr);
    const set = byPort.get(pk)!;
    if (!ready) set.set(ak, false);
    else if (!set.has(ak)) set.set(ak, true);
  };
  for (const ss of records<EndpointSubset>(subsets)) {
    const listed = records<EndpointPort>(ss.ports);
    const ssPorts = listed.length > 0 ? listed : [undefined];
    for (const port of ssPorts) {
      const pk = port ? portKey(port) : noPort;
      if (!byPort.has(pk)) {
        byPort.set(pk, new Map());
        ports.set(pk, port);
      }
      for (const a of records<EndpointAddress>(ss.addresses)) note(pk, a, true);
      for (const a of records<EndpointAddress>(ss.notReadyAddresses)) note(pk, a, false);
    }
  }
  // 2.
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [pk, addrs] of byPort) {
    const gk = JSON.stringify([...addrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { addrs, ports: [] }));
    const port = ports.get(pk);
    if (port && typeof port.port === 'number' && port.port > 0) g.ports.push({ ...port });
  }
  // 3.
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, isReady] of g.addrs) (isReady ? ready : notReady).push(structuredClone(firstSeen.get(ak)!));
    const ss: EndpointSubset = {};
    if (ready.length > 0) ss.addresses = ready.sort(lessAddress);
    if (notReady.length > 0) ss.notReadyAddresses = notReady.sort(lessAddress);
    if (g.ports.length > 0) ss.ports = g.ports.sort(lessPort);
    out.push(ss);
  }
  // 4.
  return out.sort((a, b) => cmp(subsetSortKey(a), subsetSortKey(b)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(textOf(a)), Buffer.from(textOf(b)));
}

function lessAddress(a: EndpointAddress, b: EndpointAddress): number {
  const byIP = bytewise(a.ip, b.ip);
  if (byIP !== 0) return byIP;
  if (!a.targetRef && !b.targetRef) return 0;
  if (!a.targetRef) return -1;
  if (!b.targetRef) return 1;
  return cmp(textOf(a.targetRef.uid), textOf(b.targetRef.uid));
}

function lessPort(a: EndpointPort, b: EndpointPort): number {
  return cmp(textOf(a.name), textOf(b.name)) || a.port - b.port || cmp(textOf(a.protocol), textOf(b.protocol));
}

function subsetSortKey(ss: EndpointSubset): string {
  const first = ss.addresses?.[0] ?? ss.notReadyAddresses?.[0];
  return JSON.stringify([first?.ip ?? '', first?.targetRef?.uid ?? '', (ss.ports ?? []).map(portKey)]);
}

/** Validates an Endpoints object on create or update. */
export function validateEndpoints(ep: Endpoints, old: Endpoints | undefined): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(ep.metadata, old.metadata));
  errs.push(...validateObjectMeta(ep.metadata, { namespaced: true, validateName: nameIsDNSSubdomain }));
  records<EndpointSubset>(ep.subsets).forEach((ss, i) => {
    const p = FieldPath.root('subsets').index(i);
    const ready = records<EndpointAddress>(ss.addresses);
    const notReady = records<EndpointAddress>(ss.notReadyAddresses);
    // A headless Service's Endpoints may have no ports, but every subset needs an address.
    if (ready.length === 0 && notReady.length === 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    ready.forEach((a, j) => errs.push(...validateAddress(a, p.child('addresses').index(j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, p.child('notReadyAddresses').index(j))));
    const ports = records<EndpointPort>(ss.ports);
    ports.forEach((port, j) => errs.push(...validateEndpointPort(port, ports.length > 1, p.child('ports').index(j))));
  });
  return errs;
}

function validateAddress(a: EndpointAddress, path: FieldPath): FieldCause[] {
  const errs: FieldCause[] = [];
  const ip = str(a.ip);
  if (a.hostname) for (const m of isDNS1123Label(a.hostname)) errs.push(invalid(path.child('hostname'), a.hostname, m));
  if (a.nodeName !== undefined) for (const m of isDNS1123Subdomain(str(a.nodeName))) errs.push(invalid(path.child('nodeName'), a.nodeName, m));
  errs.push(...validateNonSpecialIP(ip, path.child('ip')));
  return errs;
}

function validateEndpointPort(port: EndpointPort, requireName: boolean, path: FieldPath): FieldCause[] {
  const errs: FieldCause[] = [];
  const name = str(port.name);
  if (requireName && name === '') errs.push(required(path.child('name')));
  else if (name !== '') for (const m of isDNS1123Label(name)) errs.push(invalid(path.child('name'), name, m));
  for (const m of isValidPortNum(port.port)) errs.push(invalid(path.child('port'), port.port ?? 0, m));
  if (!port.protocol) errs.push(required(path.child('protocol')));
  else if (!supportedProtocols.includes(port.protocol)) errs.push(notSupported(path.child('protocol'), port.protocol, supportedProtocols));
  if (port.appProtocol !== undefined) for (const m of isQualifiedName(str(port.appProtocol))) errs.push(invalid(path.child('appProtocol'), port.appProtocol, m));
  return errs;
}
