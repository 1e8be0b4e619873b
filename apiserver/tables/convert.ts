/**
 * Converts an object or a list into a meta.k8s.io Table, as kube-apiserver's TableConvertors do:
 * the kind's printer where k8s.io/kubernetes registers one (pkg/printers/storage/storage.go
 * TableConvertor over pkg/printers/tablegenerator.go GenerateTable, always wide), else the default
 * convertor of Name and Created At (staging/src/k8s.io/apiserver/pkg/registry/rest/table.go, used
 * for Roles and ClusterRoles). Each row's object then follows `includeObject`
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go asTable).
 */
import type { KubeList, KubeObject, ListMeta } from '../../api-types/meta.js';
import { type ResourceInfo, groupVersion } from '../resources.js';
import { CONFIG_MAP_PRINTER, EVENTS_V1_PRINTER, EVENT_PRINTER, LEASE_PRINTER, NAMESPACE_PRINTER, NODE_PRINTER, SERVICE_ACCOUNT_PRINTER } from './core-printers.js';
import { column, NAME_COLUMN } from './format.js';
import { POD_PRINTER } from './pod-printer.js';
import { ENDPOINTS_PRINTER, ENDPOINT_SLICE_PRINTER, IP_ADDRESS_PRINTER, SERVICE_CIDR_PRINTER, SERVICE_PRINTER } from './service-printers.js';
import type { Table, TableColumnDefinition, TablePrinter, TableRow } from './types.js';
import { CLUSTER_ROLE_BINDING_PRINTER, DEPLOYMENT_PRINTER, POD_DISRUPTION_BUDGET_PRINTER, ROLE_BINDING_PRINTER } from './workload-printers.js';

/** What each row's `object` holds: nothing, a PartialObjectMetadata (the default), or the object. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** How to build a Table. */
export interface TableOptions {
  /** `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`: the Table's apiVersion and its rows' PartialObjectMetadata's. */
  groupVersion: string;
  includeObject: IncludeObject;
  /** Leave columnDefinitions out (null): every watch event after the first. @default false */
  noHeaders?: boolean;
  /** The server's clock, for ages. */
  nowMs: number;
}

/** The printer of each served resource that has one, by `group/resource`. */
const PRINTERS: ReadonlyMap<string, TablePrinter> = new Map([
  ['/pods', POD_PRINTER],
  ['/services', SERVICE_PRINTER],
  ['/endpoints', ENDPOINTS_PRINTER],
  ['/nodes', NODE_PRINTER],
  ['/namespaces', NAMESPACE_PRINTER],
  ['/events', EVENT_PRINTER],
  ['/configmaps', CONFIG_MAP_PRINTER],
  ['/serviceaccounts', SERVICE_ACCOUNT_PRINTER],
  ['events.k8s.io/events', EVENTS_V1_PRINTER],
  ['discovery.k8s.io/endpointslices', ENDPOINT_SLICE_PRINTER],
  ['coordination.k8s.io/leases', LEASE_PRINTER],
  ['networking.k8s.io/ipaddresses', IP_ADDRESS_PRINTER],
  ['networking.k8s.io/servicecidrs', SERVICE_CIDR_PRINTER],
  ['apps/deployments', DEPLOYMENT_PRINTER],
  ['policy/poddisruptionbudgets', POD_DISRUPTION_BUDGET_PRINTER],
  ['rbac.authorization.k8s.io/rolebindings', ROLE_BINDING_PRINTER],
  ['rbac.authorization.k8s.io/clusterrolebindings', CLUSTER_ROLE_BINDING_PRINTER],
]);

/** The default convertor's columns: the name, and the creation time as a `date`. */
const DEFAULT_COLUMNS: readonly TableColumnDefinition[] = [NAME_COLUMN, column('Created At', 'date', 'ObjectMeta.creationTimestamp')];

/** The default convertor's printer: the name, and the creation time in RFC 3339, UTC, whole seconds. */
const DEFAULT_PRINTER: TablePrinter = {
  columns: DEFAULT_COLUMNS,
  print(obj) {
    const ms = Date.parse(String(obj.metadata?.creationTimestamp ?? ''));
    // The zero time.Time when absent, as Go formats it.
    const created = Number.isNaN(ms) ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    return { cells: [String(obj.metadata?.name ?? ''), created] };
  },
};

/** The printer of a resource, and whether it is the default convertor. */
export function printerFor(info: Pick<ResourceInfo, 'group' | 'resource'>): { printer: TablePrinter; isDefault: boolean } {
  const printer = PRINTERS.get(`${info.group}/${info.resource}`);
  return printer ? { printer, isDefault: false } : { printer: DEFAULT_PRINTER, isDefault: true };
}

/** A row's object per `includeObject`. */
function rowObject(info: ResourceInfo, obj: KubeObject, opts: TableOptions): unknown {
  switch (opts.includeObject) {
    case 'None':
      return null;
    case 'Object':
      // Converted to the request's version, which sets its kind and apiVersion.
      return obj.kind && obj.apiVersion ? obj : { kind: info.kind, apiVersion: groupVersion(info), ...obj };
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: opts.groupVersion, metadata: obj.metadata };
  }
}

function rowsOf(info: ResourceInfo, printer: TablePrinter, items: readonly KubeObject[], opts: TableOptions): TableRow[] {
  return items.map((obj) => {
    const { cells, conditions } = printer.print(obj, opts.nowMs);
    // Members in the order Go writes them: cells, conditions (when any), object.
    return conditions ? { cells, conditions, object: rowObject(info, obj, opts) } : { cells, object: rowObject(info, obj, opts) };
  });
}

function table(metadata: ListMeta, columns: readonly TableColumnDefinition[], rows: TableRow[] | null, opts: TableOptions): Table {
  return { kind: 'Table', apiVersion: opts.groupVersion, metadata, columnDefinitions: opts.noHeaders ? null : [...columns], rows };
}

/** The Table of one object (a get, a watch event): one row, the object's resourceVersion. */
export function objectTable(info: ResourceInfo, obj: KubeObject, opts: TableOptions): Table {
  const { printer } = printerFor(info);
  const rv = obj.metadata?.resourceVersion;
  return table(rv ? { resourceVersion: rv } : {}, printer.columns, rowsOf(info, printer, [obj], opts), opts);
}

/**
 * The Table of a list: a row per item, with the list's resourceVersion, continue and
 * remainingItemCount. The default convertor answers an empty list with `rows: null`.
 */
export function listTable(info: ResourceInfo, list: Pick<KubeList, 'metadata' | 'items'>, opts: TableOptions): Table {
  const { printer, isDefault } = printerFor(info);
  const metadata: ListMeta = {};
  if (list.metadata.resourceVersion) metadata.resourceVersion = list.metadata.resourceVersion;
  if (list.metadata.continue) metadata.continue = list.metadata.continue;
  if (list.metadata.remainingItemCount !== undefined) metadata.remainingItemCount = list.metadata.remainingItemCount;
  const rows = isDefault && list.items.length === 0 ? null : rowsOf(info, printer, list.items, opts);
  return table(metadata, printer.columns, rows, opts);
}
