/**
 * discovery.k8s.io/v1 EndpointSlice: port defaults (pkg/apis/discovery/v1/defaults.go) and
 * validation (pkg/apis/discovery/validation/validation.go ValidateEndpointSlice{Create,Update}).
 */
import type { EndpointSlice, SliceEndpoint, SlicePort } from '../../api-types/networking.js';
import { familyOf, ipProblem } from '../../allocators/ip.js';
import { type FieldCause, FieldPath, duplicate, immutable, invalid, notSupported, required, tooMany } from './field.js';
import { validateNonSpecialIP } from './ip-rules.js';
import { records, sortedEntries, str, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { defaultProtocols, supportedProtocols } from './ports.js';

/** At most this many endpoints in one slice. */
export const maxEndpoints = 1000;
/** At most this many ports in one slice. */
export const maxPorts = 100;
/** At most this many addresses in one endpoint. */
export const maxAddresses = 100;
const maxTopologyLabels = 16;
const maxHints = 8;
const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

/** Defaults every port's protocol to TCP (and an absent name to ''). */
export function defaultEndpointSlice(slice: EndpointSlice): void {
  defaultProtocols(slice.ports);
  for (const p of records<SlicePort>(slice.ports)) if (p.name === undefined) p.name = '';
}

/** Validates an EndpointSlice on create or update; addressType is immutable. */
export function validateEndpointSlice(slice: EndpointSlice, old: EndpointSlice | undefined): FieldCause[] {
  const errs: FieldCause[] = [];
  if (old) errs.push(...validateObjectMetaUpdate(slice.metadata, old.metadata));
  errs.push(...validateObjectMeta(slice.metadata, { namespaced: true, validateName: nameIsDNSSubdomain }));
  const addrPath = FieldPath.root('addressType');
  const addressType = str(slice.addressType);
  if (addressType === '') errs.push(required(addrPath));
  else if (!addressTypes.includes(addressType)) errs.push(notSupported(addrPath, slice.addressType, addressTypes));
  errs.push(...validateSliceEndpoints(slice.endpoints, addressType));
  errs.push(...validateSlicePorts(slice.ports));
  if (old) errs.push(...immutable(addrPath, slice.addressType, old.addressType));
  return errs;
}

function validateSliceEndpoints(endpoints: SliceEndpoint[] | null | undefined, addressType: string): FieldCause[] {
  const path = FieldPath.root('endpoints');
  const list = records<SliceEndpoint>(endpoints);
  if (list.length > maxEndpoints) return [tooMany(path, list.length, maxEndpoints)];
  const errs: FieldCause[] = [];
  list.forEach((ep, i) => {
    const p = path.index(i);
    const ap = p.child('addresses');
    const addrs: unknown[] = Array.isArray(ep.addresses) ? ep.addresses : [];
    if (addrs.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
    else if (addrs.length > maxAddresses) errs.push(tooMany(ap, addrs.length, maxAddresses));
    addrs.forEach((a, j) => errs.push(...validateAddress(str(a), addressType, ap.index(j))));
    if (ep.nodeName !== undefined) for (const m of isDNS1123Subdomain(str(ep.nodeName))) errs.push(invalid(p.child('nodeName'), ep.nodeName, m));
    const topo = ep.deprecatedTopology;
    if (topo !== undefined && topo !== null) {
      const tp = p.child('deprecatedTopology');
      const n = sortedEntries(topo).length;
      if (n > maxTopologyLabels) errs.push(tooMany(tp, n, maxTopologyLabels));
      errs.push(...validateLabels(topo, tp));
    }
    if (ep.hostname !== undefined) for (const m of isDNS1123Label(str(ep.hostname))) errs.push(invalid(p.child('hostname'), ep.hostname, m));
    if (ep.hints !== null && typeof ep.hints === 'object') errs.push(...validateHints(ep.hints, p.child('hints')));
  });
  return errs;
}

function validateAddress(address: string, addressType: string, path: FieldPath): FieldCause[] {
  switch (addressType) {
    case 'IPv4':
    case 'IPv6': {
      const why = ipProblem(address);
      if (why) return [invalid(path, address, why)];
      if (familyOf(address) !== addressType) return [invalid(path, address, `must be a valid ${addressType} address`)];
      return validateNonSpecialIP(address, path);
    }
    case 'FQDN':
      return validateFQDN(address, path);
    default:
      // Unknown address types are reported once, on addressType.
      return [];
  }
}

/** IsFullyQualifiedDomainName: a subdomain of at least two labels, optionally ending in a dot. */
function validateFQDN(value: string, path: FieldPath): FieldCause[] {
  if (value === '') return [required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length > 0) return [invalid(path, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const l of labels) {
    const why = isDNS1123Label(l);
    if (why.length > 0) return [invalid(path, l, why.join(','))];
  }
  return [];
}

function validateHints(hints: NonNullable<SliceEndpoint['hints']>, path: FieldPath): FieldCause[] {
  const errs: FieldCause[] = [];
  for (const [key, max] of [['forZones', maxHints], ['forNodes', maxHints]] as const) {
    const list = records<{ name: string }>(hints[key]);
    const hp = path.child(key);
    if (list.length > max) {
      errs.push(tooMany(hp, list.length, max));
      continue;
    }
    const seen = new Set<string>();
    list.forEach((h, i) => {
      const name = str(h.name);
      if (seen.has(name)) errs.push(duplicate(hp.index(i), name));
      seen.add(name);
      if (key === 'forNodes') for (const m of isDNS1123Subdomain(name)) errs.push(invalid(hp.index(i).child('name'), name, m));
    });
  }
  return errs;
}

function validateSlicePorts(ports: SlicePort[] | null | undefined): FieldCause[] {
  const path = FieldPath.root('ports');
  const list = records<SlicePort>(ports);
  if (list.length > maxPorts) return [tooMany(path, list.length, maxPorts)];
  const errs: FieldCause[] = [];
  // Unnamed ports count as the name "": two of them are duplicates, as upstream.
  const names = new Set<string>();
  list.forEach((port, i) => {
    const p = path.index(i);
    const name = str(port.name);
    if (name !== '') for (const m of isDNS1123Label(name)) errs.push(invalid(p.child('name'), name, m));
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    else names.add(name);
    if (!port.protocol) errs.push(required(p.child('protocol')));
    else if (!supportedProtocols.includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, supportedProtocols));
    if (port.port !== undefined && port.port !== null) for (const m of isValidPortNum(port.port)) errs.push(invalid(p.child('port'), port.port, m));
    if (port.appProtocol !== undefined) for (const m of isQualifiedName(str(port.appProtocol))) errs.push(invalid(p.child('appProtocol'), port.appProtocol, m));
  });
  return errs;
}
