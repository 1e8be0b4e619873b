/**
 * Printers of the Service data path: Service, Endpoints, EndpointSlice, ServiceCIDR and IPAddress,
 * ported from k8s.io/kubernetes pkg/printers/internalversion/printers.go (AddHandlers column
 * definitions; printService with getServiceExternalIP, loadBalancerStatusStringer and
 * makePortString; printEndpoints with formatEndpoints; printEndpointSlice with
 * formatDiscoveryPorts and formatDiscoveryEndpoints; printServiceCIDR; printIPAddress).
 */
import type { KubeObject } from '../../api-types/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, column, formatLabels, int, list, listWithMore, record, str } from './format.js';
import type { PrintedRow, TablePrinter } from './types.js';

type Json = Record<string, unknown>;

const name = (obj: KubeObject): string => str(obj.metadata?.name);

/** The addresses of a LoadBalancer's status: IPs, else hostnames, sorted and unique (sets.String). */
function loadBalancerAddresses(status: unknown): string {
  const ingress = list<unknown>(record(record(status).loadBalancer).ingress).map(record);
  const found = new Set(ingress.map((i) => str(i.ip) || str(i.hostname)).filter((a) => a !== ''));
  // The server prints wide (Wide: true), so the 16-character clipping never applies.
  return [...found].sort().join(',');
}

/** The EXTERNAL-IP cell (getServiceExternalIP). */
export function serviceExternalIP(svc: KubeObject): string {
  const spec = record(svc.spec);
  const externalIPs = list<unknown>(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc.status);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** The PORT(S) cell: `port/protocol`, or `port:nodePort/protocol` (makePortString); `<none>` without ports. */
export function servicePorts(ports: unknown): string {
  const text = list<unknown>(ports)
    .map(record)
    .map((p) => (int(p.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${str(p.protocol)}` : `${int(p.port)}/${str(p.protocol)}`))
    .join(',');
  return text || '<none>';
}

/** The Service printer; SELECTOR is wide-only. */
export const SERVICE_PRINTER: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'ServiceSpec.type'),
    column('Cluster-IP', 'string', 'ServiceSpec.clusterIP'),
    column('External-IP', 'string', 'ServiceSpec.externalIPs'),
    column('Port(s)', 'string', 'ServiceSpec.ports'),
    AGE_COLUMN,
    column('Selector', 'string', 'ServiceSpec.selector', { priority: 1 }),
  ],
  print(svc, nowMs): PrintedRow {
    const spec = record(svc.spec);
    // Conversion from v1 makes spec.clusterIP the first of the internal ClusterIPs when it is set.
    const clusterIP = str(spec.clusterIP) || str(list(spec.clusterIPs)[0]) || '<none>';
    return { cells: [name(svc), str(spec.type), clusterIP, serviceExternalIP(svc), servicePorts(spec.ports), age(svc, nowMs), formatLabels(spec.selector)] };
  },
};

/** `host:port`, the host bracketed when it is an IPv6 address (net.JoinHostPort). */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The ENDPOINTS cell (formatEndpoints with every port): ready addresses, with each port of their
 * subset, at most three, then ` + N more...`; `<none>` without subsets.
 */
export function formatEndpoints(subsets: unknown): string {
  const all = list<unknown>(subsets).map(record);
  if (all.length === 0) return '<none>';
  const max = 3;
  const shown: string[] = [];
  let count = 0;
  for (const ss of all) {
    const addresses = list<unknown>(ss.addresses).map((a) => str(record(a).ip));
    const ports = list<unknown>(ss.ports).map(record);
    // A headless service may have no ports: its addresses alone.
    for (const port of ports.length === 0 ? [undefined] : ports) {
      count += addresses.length;
      for (const ip of addresses) {
        if (shown.length === max) break;
        shown.push(port === undefined ? ip : joinHostPort(ip, int(port.port)));
      }
    }
  }
  return count > max ? `${shown.join(',')} + ${count - max} more...` : shown.join(',');
}

/** The Endpoints printer. */
export const ENDPOINTS_PRINTER: TablePrinter = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', 'Endpoints.subsets'), AGE_COLUMN],
  print: (ep, nowMs) => ({ cells: [name(ep), formatEndpoints(ep.subsets), age(ep, nowMs)] }),
};

/** The EndpointSlice printer: ports by number (else name, else `*`) and addresses, three at most each. */
export const ENDPOINT_SLICE_PRINTER: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', 'EndpointSlice.addressType'),
    column('Ports', 'string', 'EndpointSlice.ports'),
    column('Endpoints', 'string', 'EndpointSlice.endpoints'),
    AGE_COLUMN,
  ],
  print(slice, nowMs) {
    const ports = list<unknown>(slice.ports).map((p: unknown) => {
      const port = record(p) as Json;
      if (typeof port.port === 'number') return String(port.port);
      return typeof port.name === 'string' ? port.name : '*';
    });
    const addresses = list<unknown>(slice.endpoints).flatMap((e) => list<unknown>(record(e).addresses).map(str));
    return { cells: [name(slice), str(slice.addressType), listWithMore(ports), listWithMore(addresses), age(slice, nowMs)] };
  },
};

/** The ServiceCIDR printer. */
export const SERVICE_CIDR_PRINTER: TablePrinter = {
  columns: [NAME_COLUMN, column('CIDRs', 'string', 'ServiceCIDRSpec.cidrs'), AGE_COLUMN],
  print: (cidr, nowMs) => ({ cells: [name(cidr), list<unknown>(record(cidr.spec).cidrs).map(str).join(','), age(cidr, nowMs)] }),
};

/**
 * The IPAddress printer. Upstream defines two columns (Name, ParentRef) but prints three cells, the
 * third the age; kubectl ignores cells past the last column, so the age never shows. Kept as is.
 */
export const IP_ADDRESS_PRINTER: TablePrinter = {
  columns: [NAME_COLUMN, column('ParentRef', 'string', 'IPAddressSpec.parentRef')],
  print(ip, nowMs) {
    const ref = record(record(ip.spec).parentRef);
    let parent = '<none>';
    if (record(ip.spec).parentRef !== undefined && record(ip.spec).parentRef !== null) {
      const group = str(ref.group);
      // schema.GroupResource.String(), lowercased: `resource.group`, or `resource` for core.
      parent = (group ? `${str(ref.resource)}.${group}` : str(ref.resource)).toLowerCase();
      if (str(ref.namespace)) parent += `/${str(ref.namespace)}`;
      parent += `/${str(ref.name)}`;
    }
    return { cells: [name(ip), parent, age(ip, nowMs)] };
  },
};
