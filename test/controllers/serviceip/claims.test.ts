import test from 'ava';
import { ClusterIPRanges } from '../../../allocators/index.js';
import { firstFree } from '../../../allocators/random.js';
import type { IPAddress } from '../../../api-types/networking.js';
import { ClaimIndex } from '../../../controllers/serviceip/claims.js';

const ours = 'serviceip-controller.svcplane.io';

function ipAddress(ip: string, uid: string, parent = 'web'): IPAddress {
  return { metadata: { name: ip, uid, labels: { 'ipaddress.kubernetes.io/managed-by': ours } }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: parent } } };
}

test('ClaimIndex › bits follow the objects; an in-flight claim keeps its bit; rebuild drops lost bits', (t) => {
  const index = new ClaimIndex(ClusterIPRanges.fromFlag('10.0.0.0/28', { random: firstFree }));
  const range = index.ranges.get('IPv4');
  index.sync('10.0.0.1', ipAddress('10.0.0.1', 'a'), 0);
  t.true(range?.has('10.0.0.1'));
  t.deepEqual(index.ofParent('default/web').map((c) => c.ip), ['10.0.0.1']);
  const picked = index.pickNext('IPv4') as string;
  t.is(picked, '10.0.0.2', 'first free after the held one');
  index.sync(picked, undefined, 0);
  t.true(range?.has(picked), 'in flight: a delete event does not free it');
  index.settle(picked, false);
  t.false(range?.has(picked));
  index.sync('10.0.0.1', undefined, 0);
  t.false(range?.has('10.0.0.1'));
  t.deepEqual(index.ofParent('default/web'), []);
  range?.allocate('10.0.0.9');
  index.rebuildBitmaps();
  t.false(range?.has('10.0.0.9'), 'a bit no object holds is dropped by the rebuild');
});

test('ClaimIndex › the grace clock starts when an object is first seen and survives updates, not re-creation', (t) => {
  const index = new ClaimIndex(ClusterIPRanges.fromFlag('10.0.0.0/28'));
  index.sync('10.0.0.1', ipAddress('10.0.0.1', 'a'), 100);
  index.sync('10.0.0.1', ipAddress('10.0.0.1', 'a', 'other'), 500);
  t.is(index.get('10.0.0.1')?.seenAtMs, 100);
  t.deepEqual(index.ofParent('default/web'), [], 're-parented');
  index.sync('10.0.0.1', ipAddress('10.0.0.1', 'b'), 900);
  t.is(index.get('10.0.0.1')?.seenAtMs, 900);
});

test('ClaimIndex › claimantOf names the Service claiming an IP in flight; matches tells an entry that would not change', (t) => {
  const index = new ClaimIndex(ClusterIPRanges.fromFlag('10.0.0.0/28', { random: firstFree }));
  const picked = index.pickNext('IPv4', 'default/web') as string;
  t.is(index.claimantOf(picked), 'default/web');
  index.hold('10.0.0.9', 'default/db');
  t.is(index.claimantOf('10.0.0.9'), 'default/db');
  t.true(index.matches(picked, undefined), 'no entry, no object');
  t.false(index.matches(picked, ipAddress(picked, 'a')));
  index.sync(picked, ipAddress(picked, 'a'), 0);
  index.settle(picked, true);
  t.is(index.claimantOf(picked), undefined, 'settled');
  t.true(index.matches(picked, ipAddress(picked, 'a')));
  t.false(index.matches(picked, ipAddress(picked, 'b')), 'another uid');
  t.false(index.matches(picked, ipAddress(picked, 'a', 'other')), 'another parent');
  t.false(index.matches(picked, undefined), 'gone');
  t.true(index.ranges.get('IPv4')?.has(picked), 'settled with its object indexed: the bit stays');
});

test('ClaimIndex › a range added for a ServiceCIDR starts with the bits of the claims it holds, indexed or in flight', (t) => {
  const index = new ClaimIndex(ClusterIPRanges.fromFlag('10.0.0.0/29', { random: firstFree }));
  index.sync('10.0.0.1', ipAddress('10.0.0.1', 'a'), 0);
  index.sync('10.0.0.9', ipAddress('10.0.0.9', 'b'), 0);
  index.hold('10.0.0.10', 'default/db');
  const change = index.syncRanges([{ name: 'wide', cidrs: ['10.0.0.0/28'], isReady: true }]);
  const wide = change.added[0];
  t.is(wide?.cidr, '10.0.0.0/28');
  t.deepEqual(['10.0.0.1', '10.0.0.9', '10.0.0.10'].map((ip) => wide.has(ip)), [true, true, true]);
  t.is(wide.used, 3);
  // The flag's range is used first, and what it hands out is taken in the overlapping range too.
  const picked = index.pickNext('IPv4') as string;
  t.is(picked, '10.0.0.2');
  t.true(wide.has(picked));
  index.settle(picked, false);
  t.false(wide.has(picked), 'freed in every range');
  index.sync('10.0.0.9', undefined, 0);
  t.false(wide.has('10.0.0.9'));
});
