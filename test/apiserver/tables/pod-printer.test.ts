import test from 'ava';
import type { KubeObject } from '../../../api-types/meta.js';
import { POD_COLUMNS, printPod } from '../../../apiserver/tables/pod-printer.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const NOW = Date.parse('2026-01-02T03:04:05Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

type Json = Record<string, unknown>;

/** A pod created 5 minutes ago with one container `main` (or the given ones). */
function pod(o: { spec?: Json; status?: Json; metadata?: Json } = {}): KubeObject {
  return deepFreeze({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: ago(300), ...o.metadata },
    spec: { containers: [{ name: 'main', image: 'nginx' }], ...o.spec },
    status: { phase: 'Pending', ...o.status },
  });
}

const running = (name: string, ready = true, restartCount = 0, extra: Json = {}): Json => ({ name, ready, restartCount, state: { running: { startedAt: ago(60) } }, ...extra });
const waiting = (name: string, reason: string, restartCount = 0, extra: Json = {}): Json => ({ name, ready: false, restartCount, state: { waiting: { reason } }, ...extra });
const terminated = (name: string, t: Json, extra: Json = {}): Json => ({ name, ready: false, restartCount: 0, state: { terminated: t }, ...extra });

// Cells: name, ready, status, restarts, age, ip, node, nominated node, readiness gates.
const cases: { name: string; pod: KubeObject; ready: string; status: string; restarts?: string }[] = [
  { name: 'a new pod is Pending with nothing ready', pod: pod(), ready: '0/1', status: 'Pending' },
  {
    name: 'a ready running container makes Running 1/1',
    pod: pod({ status: { phase: 'Running', containerStatuses: [running('main')] } }),
    ready: '1/1',
    status: 'Running',
  },
  {
    name: 'CrashLoopBackOff with restarts and when the last one was',
    pod: pod({ status: { phase: 'Running', containerStatuses: [waiting('main', 'CrashLoopBackOff', 5, { lastState: { terminated: { exitCode: 1, finishedAt: ago(200) } } })] } }),
    ready: '0/1',
    status: 'CrashLoopBackOff',
    restarts: '5 (3m20s ago)',
  },
  {
    name: 'restarts without a recorded termination time are a bare count',
    pod: pod({ status: { phase: 'Running', containerStatuses: [running('main', true, 2)] } }),
    ready: '1/1',
    status: 'Running',
    restarts: '2',
  },
  {
    name: 'a finished pod is Completed',
    pod: pod({ status: { phase: 'Succeeded', containerStatuses: [terminated('main', { exitCode: 0, reason: 'Completed' })] } }),
    ready: '0/1',
    status: 'Completed',
  },
  {
    name: 'a container killed without a reason reads ExitCode:N',
    pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('main', { exitCode: 137 })] } }),
    ready: '0/1',
    status: 'ExitCode:137',
  },
  {
    name: 'a container killed by a signal reads Signal:N',
    pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('main', { exitCode: 0, signal: 9 })] } }),
    ready: '0/1',
    status: 'Signal:9',
  },
  {
    name: 'a deleted running pod is Terminating',
    pod: pod({ metadata: { deletionTimestamp: ago(1) }, status: { phase: 'Running', containerStatuses: [running('main')] } }),
    ready: '1/1',
    status: 'Terminating',
  },
  {
    name: 'a deleted finished pod keeps its terminal status',
    pod: pod({ metadata: { deletionTimestamp: ago(1) }, status: { phase: 'Succeeded', containerStatuses: [terminated('main', { exitCode: 0, reason: 'Completed' })] } }),
    ready: '0/1',
    status: 'Completed',
  },
  {
    name: 'a deleted pod lost with its node is Unknown',
    pod: pod({ metadata: { deletionTimestamp: ago(1) }, status: { phase: 'Running', reason: 'NodeLost' } }),
    ready: '0/1',
    status: 'Unknown',
  },
  {
    name: 'status.reason wins over the phase (Evicted)',
    pod: pod({ status: { phase: 'Failed', reason: 'Evicted' } }),
    ready: '0/1',
    status: 'Evicted',
  },
  {
    name: 'a scheduling-gated pod is SchedulingGated',
    pod: pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
    ready: '0/1',
    status: 'SchedulingGated',
  },
  {
    name: 'an init container that has not run yet reads Init:i/n',
    pod: pod({
      spec: { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'main' }] },
      status: { initContainerStatuses: [terminated('a', { exitCode: 0 }), waiting('b', 'PodInitializing')], containerStatuses: [waiting('main', 'PodInitializing')] },
    }),
    ready: '0/1',
    status: 'Init:1/2',
  },
  {
    name: 'a waiting init container names its reason',
    pod: pod({ spec: { initContainers: [{ name: 'a' }] }, status: { initContainerStatuses: [waiting('a', 'ImagePullBackOff', 3)], containerStatuses: [waiting('main', 'PodInitializing')] } }),
    ready: '0/1',
    status: 'Init:ImagePullBackOff',
    restarts: '3',
  },
  {
    name: 'a failed init container reads Init:ExitCode:N',
    pod: pod({ spec: { initContainers: [{ name: 'a' }] }, status: { initContainerStatuses: [terminated('a', { exitCode: 2 })] } }),
    ready: '0/1',
    status: 'Init:ExitCode:2',
  },
  {
    name: 'a started sidecar counts towards READY and the containers decide the status',
    pod: pod({
      spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      status: { phase: 'Running', initContainerStatuses: [running('proxy', true, 1, { started: true })], containerStatuses: [running('main')] },
    }),
    ready: '2/2',
    status: 'Running',
    restarts: '1',
  },
  {
    name: 'Completed with another container still running reads Running when the pod is Ready',
    pod: pod({
      spec: { containers: [{ name: 'job' }, { name: 'server' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [terminated('job', { exitCode: 0, reason: 'Completed' }), running('server')] },
    }),
    ready: '1/2',
    status: 'Running',
  },
  {
    name: 'Completed with another container still running reads NotReady otherwise',
    pod: pod({
      spec: { containers: [{ name: 'job' }, { name: 'server' }] },
      status: { phase: 'Running', containerStatuses: [terminated('job', { exitCode: 0, reason: 'Completed' }), running('server')] },
    }),
    ready: '1/2',
    status: 'NotReady',
  },
];

for (const c of cases) {
  test(`printPod › ${c.name}`, (t) => {
    const { cells } = printPod(c.pod, NOW);
    t.deepEqual(cells.slice(0, 5), ['web-0', c.ready, c.status, c.restarts ?? '0', '5m']);
    t.is(cells.length, POD_COLUMNS.length);
  });
}

test('printPod › wide cells: first pod IP, node, nominated node, readiness gates true/total', (t) => {
  const p = pod({
    spec: { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
    status: { phase: 'Running', podIPs: [{ ip: '10.1.0.5' }, { ip: 'fd00::5' }], nominatedNodeName: 'node-2', conditions: [{ type: 'example.com/lb', status: 'True' }] },
  });
  t.deepEqual(printPod(p, NOW).cells.slice(5), ['10.1.0.5', 'node-1', 'node-2', '1/2']);
  t.deepEqual(printPod(pod(), NOW).cells.slice(5), ['<none>', '<none>', '<none>', '<none>']);
});

test('printPod › finished pods carry a Completed row condition', (t) => {
  t.deepEqual(printPod(pod({ status: { phase: 'Succeeded' } }), NOW).conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  t.deepEqual(printPod(pod({ status: { phase: 'Failed' } }), NOW).conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  t.is(printPod(pod({ status: { phase: 'Running' } }), NOW).conditions, undefined);
});

test('printPod › a bookmark-like object with metadata only prints without throwing', (t) => {
  t.deepEqual(printPod({ metadata: { resourceVersion: '7' } }, NOW).cells, ['', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
});

test('POD_COLUMNS › upstream names, types and wide-only priorities', (t) => {
  t.deepEqual(
    POD_COLUMNS.map((c) => [c.name, c.type, c.priority]),
    [['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
  );
  t.is(POD_COLUMNS[0].format, 'name');
  t.regex(POD_COLUMNS[0].description, /^Name must be unique within a namespace/);
});
