/**
 * Printers of Node, Namespace, ConfigMap, ServiceAccount, Lease and Event (core and
 * events.k8s.io, which share one printer), ported from k8s.io/kubernetes
 * pkg/printers/internalversion/printers.go (AddHandlers column definitions; printNode with
 * findNodeRoles, printNamespace, printConfigMap, printServiceAccount, printLease, printEvent with
 * formatEventSource).
 */
import type { KubeObject } from '../../api-types/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, column, int, list, record, since, str, timestampMs } from './format.js';
import type { PrintedRow, TablePrinter } from './types.js';

const name = (obj: KubeObject): string => str(obj.metadata?.name);

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** A node's roles: `node-role.kubernetes.io/<role>` label keys and `kubernetes.io/role` values, sorted (findNodeRoles). */
export function nodeRoles(labels: unknown): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(record(labels))) {
    if (k.startsWith(NODE_ROLE_PREFIX) && k.length > NODE_ROLE_PREFIX.length) roles.add(k.slice(NODE_ROLE_PREFIX.length));
    else if (k === NODE_ROLE_LABEL && str(v) !== '') roles.add(str(v));
  }
  return [...roles].sort();
}

/** The first address of `type` in a node's status, else `<none>`. */
function nodeAddress(status: Record<string, unknown>, type: string): string {
  const found = list<unknown>(status.addresses).map(record).find((a) => a.type === type);
  return found ? str(found.address) : '<none>';
}

/** The Node printer: STATUS is Ready, NotReady or Unknown, plus SchedulingDisabled when cordoned. */
export const NODE_PRINTER: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', { text: 'The status of the node' }),
    column('Roles', 'string', { text: 'The roles of the node' }),
    AGE_COLUMN,
    column('Version', 'string', 'NodeSystemInfo.kubeletVersion'),
    column('Internal-IP', 'string', 'NodeStatus.addresses', { priority: 1 }),
    column('External-IP', 'string', 'NodeStatus.addresses', { priority: 1 }),
    column('OS-Image', 'string', 'NodeSystemInfo.osImage', { priority: 1 }),
    column('Kernel-Version', 'string', 'NodeSystemInfo.kernelVersion', { priority: 1 }),
    column('Container-Runtime', 'string', 'NodeSystemInfo.containerRuntimeVersion', { priority: 1 }),
  ],
  print(node, nowMs): PrintedRow {
    const status = record(node.status);
    const info = record(status.nodeInfo);
    // The last condition of a type wins, as the Go map of conditions keeps it.
    const ready = list<unknown>(status.conditions).map(record).filter((c) => c.type === 'Ready').pop();
    const states = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
    if (record(node.spec).unschedulable === true) states.push('SchedulingDisabled');
    const roles = nodeRoles(node.metadata?.labels).join(',') || '<none>';
    const orUnknown = (v: unknown): string => str(v) || '<unknown>';
    return {
      cells: [
        name(node), states.join(','), roles, age(node, nowMs), str(info.kubeletVersion),
        nodeAddress(status, 'InternalIP'), nodeAddress(status, 'ExternalIP'),
        orUnknown(info.osImage), orUnknown(info.kernelVersion), orUnknown(info.containerRuntimeVersion),
      ],
    };
  },
};

/** The Namespace printer. */
export const NAMESPACE_PRINTER: TablePrinter = {
  columns: [NAME_COLUMN, column('Status', 'string', { text: 'The status of the namespace' }), AGE_COLUMN],
  print: (ns, nowMs) => ({ cells: [name(ns), str(record(ns.status).phase), age(ns, nowMs)] }),
};

/** The ConfigMap printer: DATA counts data and binaryData keys. */
export const CONFIG_MAP_PRINTER: TablePrinter = {
  columns: [NAME_COLUMN, column('Data', 'string', 'ConfigMap.data'), AGE_COLUMN],
  print: (cm, nowMs) => ({ cells: [name(cm), Object.keys(record(cm.data)).length + Object.keys(record(cm.binaryData)).length, age(cm, nowMs)] }),
};

/** The ServiceAccount printer. */
export const SERVICE_ACCOUNT_PRINTER: TablePrinter = {
  columns: [NAME_COLUMN, column('Secrets', 'string', 'ServiceAccount.secrets'), AGE_COLUMN],
  print: (sa, nowMs) => ({ cells: [name(sa), list(sa.secrets).length, age(sa, nowMs)] }),
};

/** The Lease printer. */
export const LEASE_PRINTER: TablePrinter = {
  columns: [NAME_COLUMN, column('Holder', 'string', 'LeaseSpec.holderIdentity'), AGE_COLUMN],
  print: (lease, nowMs) => ({ cells: [name(lease), str(record(lease.spec).holderIdentity), age(lease, nowMs)] }),
};

/** The fields the Event printer reads, by their names in core/v1 (the internal Event's). */
export interface EventView {
  name: string;
  involvedObject: Record<string, unknown>;
  type: string;
  reason: string;
  message: string;
  source: Record<string, unknown>;
  reportingController: string;
  reportingInstance: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  series: Record<string, unknown> | undefined;
}

/**
 * An Event of either API as the internal Event the printer reads: events.k8s.io/v1 names
 * involvedObject `regarding`, message `note`, source `deprecatedSource` and so on
 * (pkg/apis/events/v1 conversion), and core/v1 names reportingController `reportingComponent`.
 */
export function eventView(ev: KubeObject, isEventsGroup: boolean): EventView {
  const series = ev.series === null || typeof ev.series !== 'object' ? undefined : record(ev.series);
  const common = { name: str(ev.metadata?.name), type: str(ev.type), reason: str(ev.reason), eventTime: ev.eventTime, series, reportingInstance: str(ev.reportingInstance) };
  if (isEventsGroup) {
    return {
      ...common, involvedObject: record(ev.regarding), message: str(ev.note), source: record(ev.deprecatedSource), reportingController: str(ev.reportingController),
      firstTimestamp: ev.deprecatedFirstTimestamp, lastTimestamp: ev.deprecatedLastTimestamp, count: int(ev.deprecatedCount),
    };
  }
  return {
    ...common, involvedObject: record(ev.involvedObject), message: str(ev.message), source: record(ev.source), reportingController: str(ev.reportingComponent),
    firstTimestamp: ev.firstTimestamp, lastTimestamp: ev.lastTimestamp, count: int(ev.count),
  };
}

/** The columns of the Event printer; it is the one printer whose Name column is last (and wide-only). */
const EVENT_COLUMNS = [
  column('Last Seen', 'string', 'Event.lastTimestamp'),
  column('Type', 'string', 'Event.type'),
  column('Reason', 'string', 'Event.reason'),
  column('Object', 'string', 'Event.involvedObject'),
  column('Subobject', 'string', 'ObjectReference.fieldPath', { priority: 1 }),
  column('Source', 'string', 'Event.source', { priority: 1 }),
  column('Message', 'string', 'Event.message'),
  column('First Seen', 'string', 'Event.firstTimestamp', { priority: 1 }),
  column('Count', 'string', 'Event.count', { priority: 1 }),
  column('Name', 'string', 'ObjectMeta.name', { priority: 1, format: 'name' }),
];

/**
 * The row of an event: FIRST SEEN falls back to eventTime, LAST SEEN to the first; a series
 * gives both the last time and the count; a singleton event of the new API counts 1.
 */
export function printEvent(view: EventView, nowMs: number): PrintedRow {
  const first = timestampMs(view.firstTimestamp) === undefined ? since(view.eventTime, nowMs) : since(view.firstTimestamp, nowMs);
  let last = timestampMs(view.lastTimestamp) === undefined ? first : since(view.lastTimestamp, nowMs);
  let count = view.count;
  if (view.series) {
    last = since(view.series.lastObservedTime, nowMs);
    count = int(view.series.count);
  } else if (count === 0) {
    count = 1;
  }
  const kind = str(view.involvedObject.kind).toLowerCase();
  const target = str(view.involvedObject.name) ? `${kind}/${str(view.involvedObject.name)}` : kind;
  const component = str(view.source.component) || view.reportingController;
  const instance = str(view.source.host) || view.reportingInstance;
  const source = instance ? `${component}, ${instance}` : component;
  return { cells: [last, view.type, view.reason, target, str(view.involvedObject.fieldPath), source, view.message.trim(), first, count, view.name] };
}

/** The Event printer of core/v1 events. */
export const EVENT_PRINTER: TablePrinter = { columns: EVENT_COLUMNS, print: (ev, nowMs) => printEvent(eventView(ev, false), nowMs) };

/** The Event printer of events.k8s.io/v1 events: the same columns and cells. */
export const EVENTS_V1_PRINTER: TablePrinter = { columns: EVENT_COLUMNS, print: (ev, nowMs) => printEvent(eventView(ev, true), nowMs) };
