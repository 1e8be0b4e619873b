/**
 * The Pod printer, ported from k8s.io/kubernetes pkg/printers/internalversion/printers.go
 * (podColumnDefinitions in AddHandlers, printPod): READY counts ready containers (restartable
 * init containers, i.e. sidecars, included), STATUS is the phase refined by the first failing or
 * waiting init container, then by the containers' waiting or terminated reasons, and finally by
 * deletion (Terminating, or Unknown for a pod lost with its node); RESTARTS adds when the last
 * restart happened.
 */
import type { KubeObject } from '../../api-types/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, column, humanDuration, int, list, record, str, timestampMs } from './format.js';
import type { PrintedRow, TablePrinter, TableRowCondition } from './types.js';

/** The Pod columns; IP, Node, Nominated Node and Readiness Gates are wide-only. */
export const POD_COLUMNS = [
  NAME_COLUMN,
  column('Ready', 'string', { text: 'The aggregate readiness state of this pod for accepting traffic.' }),
  column('Status', 'string', { text: 'The aggregate status of the containers in this pod.' }),
  column('Restarts', 'string', { text: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.' }),
  AGE_COLUMN,
  column('IP', 'string', 'PodStatus.podIP', { priority: 1 }),
  column('Node', 'string', 'PodSpec.nodeName', { priority: 1 }),
  column('Nominated Node', 'string', 'PodStatus.nominatedNodeName', { priority: 1 }),
  column('Readiness Gates', 'string', 'PodSpec.readinessGates', { priority: 1 }),
] as const;

const SUCCEEDED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

type Json = Record<string, unknown>;

/** The object at `v` when it is one (a Go pointer that is set), else undefined. */
function present(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** The later of `current` and a terminated state's finishedAt (metav1.Time.Before; absent is the zero time). */
function later(current: number | undefined, terminated: Json | undefined): number | undefined {
  const ms = terminated === undefined ? undefined : timestampMs(terminated.finishedAt);
  return ms !== undefined && (current === undefined || current < ms) ? ms : current;
}

/** Whether the first condition of `type` is True; undefined when there is none. */
function hasCondition(conditions: Json[], type: string): boolean | undefined {
  const c = conditions.find((x) => x.type === type);
  return c === undefined ? undefined : c.status === 'True';
}

/** A container that runs alongside the others though declared as an init container (a sidecar). */
function isRestartable(c: Json | undefined): boolean {
  return c !== undefined && c.restartPolicy === 'Always';
}

/** `Signal:N` or `ExitCode:N` for a container terminated without a reason. */
function exitText(terminated: Json): string {
  const signal = int(terminated.signal);
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${int(terminated.exitCode)}`;
}

/**
 * The row of a pod.
 *
 * 1. Start from status.reason, else the phase; a scheduling-gated pod reads SchedulingGated.
 * 2. Walk init container statuses: the first one neither done nor a started sidecar names the
 *    status (`Init:<reason>`, `Init:ExitCode:N`, `Init:i/n`) and the pod is initializing.
 * 3. Unless initializing (and not yet Initialized), the containers, last first, override it with
 *    a waiting or terminated reason; Completed with a container still running reads Running or
 *    NotReady by the Ready condition.
 * 4. Deletion wins: Unknown for NodeLost, Terminating unless the phase is terminal.
 */
export function printPod(pod: KubeObject, nowMs: number): PrintedRow {
  const spec = record(pod.spec);
  const status = record(pod.status);
  const conditions = list<unknown>(status.conditions).map(record);
  const initContainers = list<unknown>(spec.initContainers).map(record);
  const phase = str(status.phase);
  // 1.
  let reason = str(status.reason) || phase;
  for (const c of conditions) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  let total = list(spec.containers).length;
  const initByName = new Map<string, Json>();
  for (const c of initContainers) {
    initByName.set(str(c.name), c);
    if (isRestartable(c)) total++;
  }
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  // 2.
  let isInitializing = false;
  const initStatuses = list<unknown>(status.initContainerStatuses).map(record);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const lastTerminated = present(record(c.lastState).terminated);
    restarts += int(c.restartCount);
    lastRestart = later(lastRestart, lastTerminated);
    const isSidecar = isRestartable(initByName.get(str(c.name)));
    if (isSidecar) {
      sidecarRestarts += int(c.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, lastTerminated);
    }
    const state = record(c.state);
    const terminated = present(state.terminated);
    const waiting = present(state.waiting);
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (isSidecar && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (terminated) reason = str(terminated.reason) ? `Init:${str(terminated.reason)}` : `Init:${exitText(terminated)}`;
    else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') reason = `Init:${str(waiting.reason)}`;
    else reason = `Init:${i}/${initContainers.length}`;
    isInitializing = true;
    break;
  }
  // 3.
  if (!isInitializing || hasCondition(conditions, 'Initialized') === true) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list<unknown>(status.containerStatuses).map(record);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += int(c.restartCount);
      lastRestart = later(lastRestart, present(record(c.lastState).terminated));
      const state = record(c.state);
      const terminated = present(state.terminated);
      const waiting = present(state.waiting);
      if (waiting && str(waiting.reason) !== '') reason = str(waiting.reason);
      else if (terminated && str(terminated.reason) !== '') reason = str(terminated.reason);
      else if (terminated) reason = exitText(terminated);
      else if (c.ready === true && present(state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  // 4.
  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';
  }

  const restartText = restarts !== 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(nowMs - lastRestart)} ago)` : String(restarts);
  // Conversion from v1 makes status.podIP the first of the internal PodIPs when it is set.
  const podIP = str(status.podIP) || str(record(list(status.podIPs)[0]).ip);
  const gates = list<unknown>(spec.readinessGates).map(record);
  const gatesTrue = gates.filter((g) => hasCondition(conditions, str(g.conditionType)) === true).length;
  const row: PrintedRow = {
    cells: [
      str(pod.metadata?.name),
      `${ready}/${total}`,
      reason,
      restartText,
      age(pod, nowMs),
      podIP || '<none>',
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      gates.length > 0 ? `${gatesTrue}/${gates.length}` : '<none>',
    ],
  };
  if (phase === 'Succeeded') row.conditions = SUCCEEDED;
  else if (phase === 'Failed') row.conditions = FAILED;
  return row;
}

/** The Pod printer. */
export const POD_PRINTER: TablePrinter = { columns: POD_COLUMNS, print: printPod };
