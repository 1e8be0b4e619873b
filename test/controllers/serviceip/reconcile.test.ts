/** Table tests of the serviceip plan over deep-frozen snapshots. */
import test from 'ava';
import type { Service, ServiceSpec } from '../../../api-types/core.js';
import { ClusterIPRanges } from '../../../allocators/index.js';
import { reconcileServiceIP, type ClaimView, type ServiceIPSnapshot } from '../../../controllers/serviceip/reconcile.js';
import type { SettledState } from '../../../controllers/serviceip/settled.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const ours = 'serviceip-controller.svcplane.io';
const v4 = ClusterIPRanges.fromFlag('10.0.0.0/24');
const dual = ClusterIPRanges.fromFlag('10.0.0.0/24,fd00::/112');
const v6 = ClusterIPRanges.fromFlag('fd00::/112');

function svc(spec: ServiceSpec): Service {
  return { metadata: { name: 'web', namespace: 'default', resourceVersion: '7' }, spec: { selector: { app: 'web' }, ...spec } };
}

function snap(service: Service | undefined, claimList: ClaimView[], opts: { dual?: boolean; ranges?: ClusterIPRanges; others?: Record<string, string[]>; previous?: SettledState } = {}): ServiceIPSnapshot {
  const byIP = new Map(claimList.map((c) => [c.ip, c]));
  return deepFreeze({
    key: 'default/web',
    service,
    ranges: opts.ranges ?? (opts.dual ? dual : v4),
    claimOf: (ip: string) => byIP.get(ip),
    ownClaims: claimList.filter((c) => c.parent === 'default/web'),
    serviceListsIP: (key: string, ip: string) => (opts.others?.[key] ? opts.others[key].includes(ip) : undefined),
    previous: opts.previous,
  });
}

const mine = (ip: string): ClaimView => ({ ip, parent: 'default/web', managedBy: ours, uid: `u-${ip}` });
const theirs = (ip: string, parent = 'default/other'): ClaimView => ({ ip, parent, managedBy: ours, uid: `u-${ip}` });

test('reconcile › a new Service asks for one automatic IP and a write', (t) => {
  const plan = reconcileServiceIP(snap(svc({}), []));
  t.deepEqual(plan.claims, [{ index: 0, family: 'IPv4', scope: 'dynamic', repair: false }]);
  t.deepEqual(plan.fields, { clusterIPs: [''], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  t.true(plan.needsWrite);
  t.deepEqual(plan.release, []);
});

test('reconcile › an allocated Service with its claim is a no-op', (t) => {
  const plan = reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.20', clusterIPs: ['10.0.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }), [mine('10.0.0.20')]));
  t.false(plan.needsWrite);
  t.deepEqual(plan.claims, []);
  t.deepEqual(plan.release, []);
  t.deepEqual(plan.findings, []);
});

test('reconcile › a leftover own claim (crash between claim and write) is reused, not a new IP', (t) => {
  const plan = reconcileServiceIP(snap(svc({}), [mine('10.0.0.33')]));
  t.deepEqual(plan.claims, []);
  t.deepEqual(plan.fields?.clusterIPs, ['10.0.0.33']);
  t.true(plan.needsWrite);
});

test('reconcile › a requested free IP is claimed (static); one held by another Service fails with Kubernetes words', (t) => {
  const free = reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'] }), []));
  t.deepEqual(free.claims, [{ index: 0, family: 'IPv4', ip: '10.0.0.5', scope: 'static', repair: false }]);
  const taken = reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'] }), [theirs('10.0.0.5')]));
  t.deepEqual(taken.failure, { reason: 'ClusterIPAlreadyAllocated', note: 'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: provided IP is already allocated', scope: 'static', family: 'IPv4', takenIP: '10.0.0.5' });
  t.false(taken.needsWrite);
});

test('reconcile › refused requests read as kube-apiserver 1.33\'s 422: on spec.clusterIPs, the list with "" for slots to fill, the IP as given', (t) => {
  // Dual-stack, the primary requested and taken, the secondary automatic.
  const dual = reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'], ipFamilyPolicy: 'RequireDualStack' }), [theirs('10.0.0.5')], { dual: true }));
  t.is(dual.failure?.note, 'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5", ""}: failed to allocate IP 10.0.0.5: provided IP is already allocated');
  // The secondary requested and taken, the primary free: the whole list is the value.
  const second = reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5', 'fd00::5'], ipFamilyPolicy: 'RequireDualStack' }), [theirs('fd00::5')], { dual: true }));
  t.deepEqual(second.failure, { reason: 'ClusterIPAlreadyAllocated', note: 'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5", "fd00::5"}: failed to allocate IP fd00::5: provided IP is already allocated', scope: 'static', family: 'IPv6', takenIP: 'fd00::5' });
  // In no configured range: the ServiceCIDR allocator's ErrMismatchedNetwork.
  const outside = reconcileServiceIP(snap(svc({ clusterIP: '10.0.1.5', clusterIPs: ['10.0.1.5'] }), []));
  t.deepEqual(outside.failure, { reason: 'ClusterIPOutOfRange', note: 'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.1.5"}: failed to allocate IP 10.0.1.5: the provided network does not match the current range', scope: 'static', family: 'IPv4' });
  // A requested IP of a family the cluster does not have: initIPFamilyFields' 422 on spec.clusterIPs[0].
  const family = reconcileServiceIP(snap(svc({ clusterIP: 'fd00::5', clusterIPs: ['fd00::5'] }), []));
  t.deepEqual(family.failure, { reason: 'IPFamilyNotConfigured', note: 'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"fd00::5"}: IPv6 is not configured on this cluster', scope: 'static' });
  // The plan carries the request for the applier's own refusals (a claim lost to a race).
  t.deepEqual(reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'], ipFamilyPolicy: 'PreferDualStack' }), [], { dual: true })).requested, ['10.0.0.5', '']);
});

test('reconcile › an allocated Service missing its claim is repaired; a duplicate is a finding', (t) => {
  const spec: ServiceSpec = { clusterIP: '10.0.0.20', clusterIPs: ['10.0.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' };
  const missing = reconcileServiceIP(snap(svc(spec), []));
  t.deepEqual(missing.claims, [{ index: 0, family: 'IPv4', ip: '10.0.0.20', scope: 'static', repair: true }]);
  t.false(missing.needsWrite, 'the Service itself is already right');
  const dup = reconcileServiceIP(snap(svc(spec), [theirs('10.0.0.20')], { others: { 'default/other': ['10.0.0.20'] } }));
  t.deepEqual(dup.findings.map((f) => f.note), ['Cluster IP [IPv4]:10.0.0.20 was assigned to multiple services; please recreate service']);
  const outside = reconcileServiceIP(snap(svc({ ...spec, clusterIP: '10.9.0.1', clusterIPs: ['10.9.0.1'] }), []));
  t.deepEqual(outside.findings.map((f) => f.reason), ['ClusterIPOutOfRange']);
});

test('reconcile › gone or ExternalName releases own claims only (never kube-apiserver ones)', (t) => {
  const kube: ClaimView = { ip: '10.0.0.40', parent: 'default/web', managedBy: 'ipallocator.k8s.io', uid: 'k' };
  const gone = reconcileServiceIP(snap(undefined, [mine('10.0.0.20'), kube]));
  t.deepEqual(gone.release.map((c) => c.ip), ['10.0.0.20']);
  const ext = reconcileServiceIP(snap(svc({ type: 'ExternalName', externalName: 'x.example' }), [mine('10.0.0.20')]));
  t.deepEqual(ext.release.map((c) => c.ip), ['10.0.0.20']);
  t.is(ext.fields, undefined);
});

test('reconcile › upgrade asks for the secondary; downgrade releases it; clusterIPs[0] is kept', (t) => {
  const up = reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.20', clusterIPs: ['10.0.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'RequireDualStack' }), [mine('10.0.0.20')], { dual: true }));
  t.deepEqual(up.fields?.clusterIPs, ['10.0.0.20', '']);
  t.deepEqual(up.claims, [{ index: 1, family: 'IPv6', scope: 'dynamic', repair: false }]);
  const down = reconcileServiceIP(snap(svc({ clusterIP: '10.0.0.20', clusterIPs: ['10.0.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }), [mine('10.0.0.20'), mine('fd00::20')], { dual: true }));
  t.deepEqual(down.release.map((c) => c.ip), ['fd00::20']);
  t.false(down.needsWrite);
});

test('reconcile › headless gets [None] and families, no claims', (t) => {
  const plan = reconcileServiceIP(snap(svc({ clusterIP: 'None', clusterIPs: ['None'] }), []));
  t.deepEqual(plan.fields, { clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  t.deepEqual(plan.claims, []);
  t.true(plan.needsWrite);
});

test('reconcile › invalid family settings are a failure with the 422 text; nothing is written or released', (t) => {
  const plan = reconcileServiceIP(snap(svc({ ipFamilyPolicy: 'RequireDualStack' }), [mine('10.0.0.20')]));
  t.is(plan.failure?.note, 'Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
  t.deepEqual(plan.release, []);
  t.false(plan.needsWrite);
});

// A PreferDualStack Service holding one IPv4 address, on a dual-stack cluster.
const preferSingle: ServiceSpec = { type: 'ClusterIP', clusterIP: '10.0.0.20', clusterIPs: ['10.0.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' };
const withUID = (spec: ServiceSpec, uid = 'svc-1'): Service => ({ ...svc(spec), metadata: { ...svc(spec).metadata, uid } });
const settled = (fields: Partial<SettledState> = {}): SettledState => ({ uid: 'svc-1', type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'], clusterIPs: ['10.0.0.20'], ...fields });
const upgrade = { clusterIPs: ['10.0.0.20', ''], claims: [{ index: 1, family: 'IPv6', scope: 'dynamic', repair: false }], needsWrite: true };
const unchanged = { clusterIPs: ['10.0.0.20'], claims: [], needsWrite: false };

const preferRows: { name: string; previous?: SettledState; claimList: ClaimView[]; want: typeof upgrade | typeof unchanged }[] = [
  { name: 'settled as it is (the cluster became dual-stack): left single-stack', previous: settled(), claimList: [mine('10.0.0.20')], want: unchanged },
  { name: 'never settled (created with one family and IP): upgraded', claimList: [mine('10.0.0.20')], want: upgrade },
  { name: 'settled as SingleStack (policy changed): upgraded', previous: settled({ ipFamilyPolicy: 'SingleStack' }), claimList: [mine('10.0.0.20')], want: upgrade },
  { name: 'settled as another type: upgraded', previous: settled({ type: 'NodePort' }), claimList: [mine('10.0.0.20')], want: upgrade },
  { name: 'settled state of an earlier object of the same name (another uid): upgraded', previous: settled({ uid: 'svc-0' }), claimList: [mine('10.0.0.20')], want: upgrade },
];

for (const row of preferRows) {
  test(`reconcile › PreferDualStack ${row.name}`, (t) => {
    const plan = reconcileServiceIP(snap(withUID(preferSingle), row.claimList, { dual: true, previous: row.previous }));
    t.deepEqual({ clusterIPs: plan.fields?.clusterIPs, claims: plan.claims, needsWrite: plan.needsWrite }, row.want);
    t.deepEqual(plan.fields?.ipFamilies, row.want === upgrade ? ['IPv4', 'IPv6'] : ['IPv4']);
    t.deepEqual(plan.release, []);
  });
}

test('reconcile › a policy-only downgrade (lists trimmed by the API server) releases the secondary claim and writes nothing', (t) => {
  const spec: ServiceSpec = { type: 'ClusterIP', clusterIP: '10.0.0.20', clusterIPs: ['10.0.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' };
  const previous = settled({ ipFamilies: ['IPv4', 'IPv6'], clusterIPs: ['10.0.0.20', 'fd00::20'] });
  const plan = reconcileServiceIP(snap(withUID(spec), [mine('10.0.0.20'), mine('fd00::20')], { dual: true, previous }));
  t.deepEqual(plan.release.map((c) => c.ip), ['fd00::20']);
  t.deepEqual(plan.claims, []);
  t.false(plan.needsWrite);
});

test('reconcile › a requested IP in a non-canonical form is claimed by its canonical name and kept as given in the spec', (t) => {
  const given = svc({ clusterIP: 'FD00::7', clusterIPs: ['FD00::7'], ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' });
  const v6only = { ...snap(given, []), ranges: v6 };
  const plan = reconcileServiceIP(v6only);
  t.deepEqual(plan.claims, [{ index: 0, family: 'IPv6', ip: 'fd00::7', scope: 'static', repair: true }]);
  t.deepEqual(plan.fields?.clusterIPs, ['FD00::7']);
  // Held by its canonical name: no new claim, nothing released, no write.
  const held = reconcileServiceIP({ ...snap(given, [mine('fd00::7')]), ranges: v6 });
  t.deepEqual([held.claims, held.release, held.needsWrite], [[], [], false]);
  // Another spelling of an IP someone else holds is that IP.
  const other = svc({ clusterIP: 'fd00::0:5', clusterIPs: ['fd00::0:5'] });
  const taken = reconcileServiceIP({ ...snap({ ...other, spec: { ...other.spec, ipFamilies: ['IPv6'] } }, [theirs('fd00::5')]), ranges: v6 });
  t.deepEqual(taken.failure, { reason: 'ClusterIPAlreadyAllocated', note: 'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"fd00::0:5"}: failed to allocate IP fd00::0:5: provided IP is already allocated', scope: 'static', family: 'IPv6', takenIP: 'fd00::5' });
});
