/** TestCreateInitIPFields-style table for initIPFamilyFields (kubernetes-behaviour.md §1.7). */
import test from 'ava';
import type { IPFamily, ServiceSpec } from '../../../api-types/core.js';
import { describeProblems, initIPFamilyFields, isMatchingPreferDualStackClusterIPFields, type PreviousFields } from '../../../controllers/serviceip/families.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const v4: IPFamily[] = ['IPv4'];
const v6: IPFamily[] = ['IPv6'];
const dual: IPFamily[] = ['IPv4', 'IPv6'];
const dual6: IPFamily[] = ['IPv6', 'IPv4'];
const sel = { selector: { app: 'a' } };

// The previous settled state (the "old" object), as settled.ts keeps it.
const preferV4: PreviousFields = { type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'], clusterIPs: ['10.0.0.5'] };
const preferSingleSpec: ServiceSpec = { ...sel, type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'], clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'] };
const preferDualOld: PreviousFields = { type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'], clusterIPs: ['10.0.0.5', 'fd00::5'] };
const preferDualSpec: ServiceSpec = { ...sel, type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'], clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5', 'fd00::5'] };

const rows: { name: string; cluster: IPFamily[]; spec: ServiceSpec; old?: PreviousFields; want: { policy: string; families: IPFamily[] } | string }[] = [
  { name: 'nothing set, v4 cluster', cluster: v4, spec: { ...sel }, want: { policy: 'SingleStack', families: ['IPv4'] } },
  { name: 'nothing set, v6 cluster', cluster: v6, spec: { ...sel }, want: { policy: 'SingleStack', families: ['IPv6'] } },
  { name: 'nothing set, dual cluster: default family only', cluster: dual, spec: { ...sel }, want: { policy: 'SingleStack', families: ['IPv4'] } },
  { name: 'nothing set, dual cluster v6 first', cluster: dual6, spec: { ...sel }, want: { policy: 'SingleStack', families: ['IPv6'] } },
  { name: 'PreferDualStack, single-stack cluster', cluster: v4, spec: { ...sel, ipFamilyPolicy: 'PreferDualStack' }, want: { policy: 'PreferDualStack', families: ['IPv4'] } },
  { name: 'PreferDualStack, dual cluster', cluster: dual, spec: { ...sel, ipFamilyPolicy: 'PreferDualStack' }, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'RequireDualStack, dual cluster, IPv6 asked first', cluster: dual, spec: { ...sel, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6'] }, want: { policy: 'RequireDualStack', families: ['IPv6', 'IPv4'] } },
  { name: 'RequireDualStack, single-stack cluster', cluster: v4, spec: { ...sel, ipFamilyPolicy: 'RequireDualStack' }, want: 'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services' },
  { name: 'family not configured', cluster: v4, spec: { ...sel, ipFamilies: ['IPv6'] }, want: 'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster' },
  { name: 'family inferred from a requested IP', cluster: dual, spec: { ...sel, clusterIPs: ['fd00::5'] }, want: { policy: 'SingleStack', families: ['IPv6'] } },
  { name: 'requested IP of an unconfigured family', cluster: v4, spec: { ...sel, clusterIPs: ['fd00::5'] }, want: 'spec.clusterIPs[0]: Invalid value: []string{"fd00::5"}: IPv6 is not configured on this cluster' },
  { name: 'two IPs infer two families', cluster: dual, spec: { ...sel, ipFamilyPolicy: 'RequireDualStack', clusterIPs: ['fd00::5', '10.0.0.5'] }, want: { policy: 'RequireDualStack', families: ['IPv6', 'IPv4'] } },
  { name: 'SingleStack with two IPs', cluster: dual, spec: { ...sel, ipFamilyPolicy: 'SingleStack', clusterIPs: ['10.0.0.5', 'fd00::5'] }, want: "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified" },
  { name: 'SingleStack with two families', cluster: dual, spec: { ...sel, ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'] }, want: "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified" },
  { name: 'headless with selector', cluster: v4, spec: { ...sel, clusterIP: 'None', clusterIPs: ['None'] }, want: { policy: 'SingleStack', families: ['IPv4'] } },
  { name: 'headless selectorless, single-stack cluster: RequireDualStack, both families', cluster: v4, spec: { clusterIP: 'None', clusterIPs: ['None'] }, want: { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'headless selectorless SingleStack', cluster: dual, spec: { clusterIP: 'None', ipFamilyPolicy: 'SingleStack' }, want: { policy: 'SingleStack', families: ['IPv4'] } },
  { name: 'headless selectorless on a v6 cluster with IPv6 asked', cluster: v6, spec: { clusterIP: 'None', ipFamilies: ['IPv6'] }, want: { policy: 'RequireDualStack', families: ['IPv6', 'IPv4'] } },
  // isMatchingPreferDualStackClusterIPFields: only an unchanged PreferDualStack Service is left alone.
  { name: 'settled PreferDualStack is not upgraded when the cluster becomes dual', cluster: dual, spec: preferSingleSpec, old: preferV4, want: { policy: 'PreferDualStack', families: ['IPv4'] } },
  { name: 'settled PreferDualStack is not downgraded when the cluster becomes single-stack', cluster: v4, spec: preferDualSpec, old: preferDualOld, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'an old without a policy counts as PreferDualStack', cluster: dual, spec: preferSingleSpec, old: { ...preferV4, ipFamilyPolicy: undefined }, want: { policy: 'PreferDualStack', families: ['IPv4'] } },
  { name: 'created PreferDualStack with one family and IP (no old) is upgraded', cluster: dual, spec: preferSingleSpec, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'created dual PreferDualStack (no old) on a single-stack cluster is checked', cluster: v4, spec: preferDualSpec, want: 'spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster' },
  { name: 'SingleStack changed to PreferDualStack is upgraded', cluster: dual, spec: preferSingleSpec, old: { ...preferV4, ipFamilyPolicy: 'SingleStack' }, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'RequireDualStack changed to PreferDualStack is checked again', cluster: dual, spec: preferSingleSpec, old: { ...preferV4, ipFamilyPolicy: 'RequireDualStack' }, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'PreferDualStack whose type changed is upgraded', cluster: dual, spec: { ...preferSingleSpec, type: 'NodePort' }, old: preferV4, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'PreferDualStack whose IPs differ from the old ones is upgraded', cluster: dual, spec: preferSingleSpec, old: { ...preferV4, clusterIPs: ['10.0.0.6'] }, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'headless PreferDualStack with a selector, settled: not upgraded', cluster: dual, spec: { ...sel, clusterIP: 'None', clusterIPs: ['None'], ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] }, old: { type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'], clusterIPs: ['None'] }, want: { policy: 'PreferDualStack', families: ['IPv4'] } },
  { name: 'headless PreferDualStack with a selector, created: upgraded', cluster: dual, spec: { ...sel, clusterIP: 'None', clusterIPs: ['None'], ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] }, want: { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'a missing policy takes the old one', cluster: dual, spec: { ...preferSingleSpec, ipFamilyPolicy: undefined }, old: { ...preferV4, ipFamilyPolicy: 'RequireDualStack' }, want: { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'] } },
  { name: 'allocated RequireDualStack single IP is upgraded (families appended)', cluster: dual, spec: { ...sel, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4'], clusterIPs: ['10.0.0.5'] }, want: { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'] } },
];

for (const row of rows) {
  test(`initIPFamilyFields › ${row.name}`, (t) => {
    const got = initIPFamilyFields(deepFreeze(row.spec), deepFreeze(row.cluster), row.old && deepFreeze(row.old));
    if (typeof row.want === 'string') {
      t.false(got.ok);
      if (!got.ok) t.is(describeProblems(got.problems), row.want);
    } else {
      t.true(got.ok);
      if (got.ok) t.deepEqual({ policy: got.fields.ipFamilyPolicy, families: got.fields.ipFamilies }, row.want);
    }
  });
}

const matching: { name: string; spec: ServiceSpec; old: PreviousFields | undefined; want: boolean }[] = [
  { name: 'unchanged PreferDualStack', spec: preferSingleSpec, old: preferV4, want: true },
  { name: 'no old object (a create)', spec: preferSingleSpec, old: undefined, want: false },
  { name: 'no policy in the new object', spec: { ...preferSingleSpec, ipFamilyPolicy: undefined }, old: preferV4, want: false },
  { name: 'another policy now', spec: { ...preferSingleSpec, ipFamilyPolicy: 'RequireDualStack' }, old: { ...preferV4, ipFamilyPolicy: 'RequireDualStack' }, want: false },
  { name: 'another policy before', spec: preferSingleSpec, old: { ...preferV4, ipFamilyPolicy: 'SingleStack' }, want: false },
  { name: 'type changed', spec: { ...preferSingleSpec, type: 'LoadBalancer' }, old: preferV4, want: false },
  { name: 'families changed', spec: { ...preferSingleSpec, ipFamilies: ['IPv4', 'IPv6'] }, old: preferV4, want: false },
  { name: 'clusterIPs changed', spec: { ...preferSingleSpec, clusterIPs: ['10.0.0.5', 'fd00::5'] }, old: preferV4, want: false },
];

for (const row of matching) {
  test(`isMatchingPreferDualStackClusterIPFields › ${row.name}`, (t) => {
    t.is(isMatchingPreferDualStackClusterIPFields(deepFreeze(row.spec), row.old && deepFreeze(row.old)), row.want);
  });
}
