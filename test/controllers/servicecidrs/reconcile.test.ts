import test from 'ava';
import type { Condition } from '../../../api-types/meta.js';
import type { IPAddress, ServiceCIDR } from '../../../api-types/networking.js';
import { reconcileServiceCIDR, type ServiceCIDRPlan } from '../../../controllers/servicecidrs/reconcile.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const NOW = Date.parse('2026-01-02T03:04:05Z');
const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const FINALIZER = 'networking.k8s.io/service-cidr-finalizer';
const BLOCKED = 'There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR';
const READY_MESSAGE = 'Kubernetes Service CIDR is ready';
const earlier = '2026-01-01T00:00:00Z';
const readyTrue: Condition = { type: 'Ready', status: 'True', reason: '', message: READY_MESSAGE, lastTransitionTime: earlier };
const terminating: Condition = { type: 'Ready', status: 'False', reason: 'Terminating', message: BLOCKED, lastTransitionTime: earlier };

interface CIDROptions {
  finalizers?: string[];
  /** Deleted this long before NOW. */
  deletedAgoMs?: number;
  conditions?: Condition[];
}

function cidr(name: string, cidrs: string[], o: CIDROptions = {}): ServiceCIDR {
  return {
    metadata: { name, finalizers: o.finalizers ?? [FINALIZER], ...(o.deletedAgoMs !== undefined && { deletionTimestamp: stamp(NOW - o.deletedAgoMs) }) },
    spec: { cidrs },
    ...(o.conditions && { status: { conditions: o.conditions } }),
  };
}

/** `family` null: no family label. */
function ip(address: string, managedBy = 'ipallocator.k8s.io', family: string | null = address.includes(':') ? 'IPv6' : 'IPv4'): IPAddress {
  const labels: Record<string, string> = { 'ipaddress.kubernetes.io/managed-by': managedBy };
  if (family) labels['ipaddress.kubernetes.io/ip-family'] = family;
  return { metadata: { name: address, labels }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'web' } } };
}

const deleting = (o: CIDROptions = {}) => cidr('doomed', ['10.0.0.0/24'], { conditions: [readyTrue], deletedAgoMs: 3_000, ...o });
const becomesNotReady: Condition = { ...terminating, lastTransitionTime: stamp(NOW) };

const cases: { name: string; sc: ServiceCIDR | undefined; others?: ServiceCIDR[]; ips?: IPAddress[]; want: ServiceCIDRPlan }[] = [
  { name: 'gone: nothing', sc: undefined, want: { finalizer: 'none' } },
  {
    name: 'new: the finalizer, then Ready=True',
    sc: cidr('extra', ['10.0.0.0/24'], { finalizers: [] }),
    want: { finalizer: 'add', readyCondition: { type: 'Ready', status: 'True', reason: '', message: READY_MESSAGE, lastTransitionTime: stamp(NOW) } },
  },
  { name: 'settled: nothing to write, no requeue', sc: cidr('extra', ['10.0.0.0/24'], { conditions: [readyTrue] }), want: { finalizer: 'none' } },
  {
    name: 'Ready=True in kube-apiserver\'s words: applied in the controller\'s',
    sc: cidr('kubernetes', ['10.96.0.0/12'], { conditions: [{ ...readyTrue, message: 'Kubernetes default Service CIDR is ready' }] }),
    want: { finalizer: 'none', readyCondition: { ...readyTrue, lastTransitionTime: stamp(NOW) } },
  },
  {
    name: 'Ready=False on one not being deleted: back to True',
    sc: cidr('extra', ['10.0.0.0/24'], { conditions: [terminating] }),
    want: { finalizer: 'none', readyCondition: { ...readyTrue, lastTransitionTime: stamp(NOW) } },
  },
  { name: 'deleted 3 s ago, no IPs: waits out the rest of the 10 s', sc: deleting(), want: { finalizer: 'none', requeueAfterMs: 7_000, deletion: { verdict: 'no-orphans' } } },
  { name: 'deleted 10 s ago, no IPs: the finalizer goes', sc: deleting({ deletedAgoMs: 10_000 }), want: { finalizer: 'remove', deletion: { verdict: 'no-orphans' } } },
  { name: 'deleted long ago, only another finalizer left: nothing', sc: deleting({ deletedAgoMs: 60_000, finalizers: ['example.com/other'] }), want: { finalizer: 'none', deletion: { verdict: 'no-orphans' } } },
  {
    name: 'an IP of kube-apiserver\'s allocator only it holds: Ready=False, checked again later',
    sc: deleting({ deletedAgoMs: 60_000 }),
    ips: [ip('10.0.0.5')],
    want: { finalizer: 'none', readyCondition: becomesNotReady, requeueAfterMs: 60_000, deletion: { verdict: 'blocked', ipAddress: '10.0.0.5' } },
  },
  {
    name: 'an IP of svcplane\'s serviceip controller holds it too',
    sc: deleting(),
    ips: [ip('10.0.0.6', 'serviceip-controller.svcplane.io')],
    want: { finalizer: 'none', readyCondition: becomesNotReady, requeueAfterMs: 60_000, deletion: { verdict: 'blocked', ipAddress: '10.0.0.6' } },
  },
  {
    name: 'already Ready=False: no write, checked again later',
    sc: deleting({ conditions: [terminating] }),
    ips: [ip('10.0.0.5')],
    want: { finalizer: 'none', requeueAfterMs: 60_000, deletion: { verdict: 'blocked', ipAddress: '10.0.0.5' } },
  },
  {
    name: 'IPs that do not count: another manager\'s, one without the family label, the network address, another range\'s',
    sc: deleting({ deletedAgoMs: 10_000 }),
    ips: [ip('10.0.0.5', 'someone-else'), ip('10.0.0.6', 'ipallocator.k8s.io', null), ip('10.0.0.0'), ip('10.0.1.5'), ip('fd00::5')],
    want: { finalizer: 'remove', deletion: { verdict: 'no-orphans' } },
  },
  {
    name: 'an IP another, narrower ServiceCIDR also holds: not orphaned',
    sc: deleting({ deletedAgoMs: 10_000 }),
    others: [cidr('narrow', ['10.0.0.0/28'])],
    ips: [ip('10.0.0.5')],
    want: { finalizer: 'remove', deletion: { verdict: 'no-orphans' } },
  },
  {
    name: 'a wider ServiceCIDR holds the whole range: its IPs do not matter',
    sc: deleting({ deletedAgoMs: 10_000 }),
    others: [cidr('wide', ['10.0.0.0/16'])],
    ips: [ip('10.0.0.5')],
    want: { finalizer: 'remove', deletion: { verdict: 'contained' } },
  },
  {
    name: 'another ServiceCIDR with the same range, being deleted too, still counts (as upstream)',
    sc: deleting({ deletedAgoMs: 10_000 }),
    others: [cidr('twin', ['10.0.0.0/24'], { deletedAgoMs: 1_000 })],
    ips: [ip('10.0.0.5')],
    want: { finalizer: 'remove', deletion: { verdict: 'contained' } },
  },
  {
    name: 'dual-stack: the IPv4 range held elsewhere, an IPv6 IP only it holds',
    sc: cidr('dual', ['10.0.0.0/24', 'fd00::/64'], { conditions: [readyTrue], deletedAgoMs: 60_000 }),
    others: [cidr('wide', ['10.0.0.0/16'])],
    ips: [ip('10.0.0.5'), ip('fd00::5')],
    want: { finalizer: 'none', readyCondition: becomesNotReady, requeueAfterMs: 60_000, deletion: { verdict: 'blocked', ipAddress: 'fd00::5' } },
  },
];

for (const c of cases) {
  test(`reconcileServiceCIDR › ${c.name}`, (t) => {
    const sc = c.sc && deepFreeze(c.sc);
    const serviceCIDRs = deepFreeze([...(sc ? [sc] : []), ...(c.others ?? [])]);
    const plan = reconcileServiceCIDR({ serviceCIDR: sc, serviceCIDRs, ipAddresses: deepFreeze(c.ips ?? []), nowMs: NOW }, { blockedRecheckMs: 60_000 });
    t.deepEqual(plan, c.want);
  });
}

test('reconcileServiceCIDR › the grace period is counted from the deletionTimestamp on the clock given', (t) => {
  const sc = deepFreeze(deleting({ deletedAgoMs: 0 }));
  const at = (nowMs: number) => reconcileServiceCIDR({ serviceCIDR: sc, serviceCIDRs: [sc], ipAddresses: [], nowMs }, { blockedRecheckMs: 60_000, deletionGracePeriodMs: 10_000 });
  t.is(at(NOW + 9_999).requeueAfterMs, 1);
  t.is(at(NOW + 10_000).finalizer, 'remove');
});
