import test from 'ava';
import type { IndexedClaim } from '../../../controllers/serviceip/claims.js';
import { planClaimRepair } from '../../../controllers/serviceip/repair.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const ours = 'serviceip-controller.svcplane.io';
const claim = (over: Partial<IndexedClaim> = {}): IndexedClaim => deepFreeze({ ip: '10.0.0.20', parent: 'default/web', managedBy: ours, uid: 'u', seenAtMs: 1000, ...over });

test('planClaimRepair › claims of kube-apiserver are kept whatever their parent', (t) => {
  t.deepEqual(planClaimRepair(claim({ managedBy: 'ipallocator.k8s.io' }), 'missing', 10 ** 9, 60_000), { action: 'keep' });
});

test('planClaimRepair › a listed claim is kept; a young leak waits out the rest of the grace period', (t) => {
  t.deepEqual(planClaimRepair(claim(), 'lists', 10 ** 9, 60_000), { action: 'keep' });
  t.deepEqual(planClaimRepair(claim(), 'missing', 21_000, 60_000), { action: 'wait', afterMs: 40_000 });
  t.deepEqual(planClaimRepair(claim(), 'unlisted', 21_000, 60_000), { action: 'wait', afterMs: 40_000 }, 'svcplane waits on wrong references too: claims precede writes');
});

test('planClaimRepair › after the grace period: leaked and wrongly referenced claims go, with Kubernetes words', (t) => {
  t.deepEqual(planClaimRepair(claim(), 'missing', 61_001, 60_000), { action: 'confirm-and-delete', reason: 'IPAddressNotAllocated', note: 'IPAddress: 10.0.0.20 for Service default/web appears to have leaked: cleaning up' });
  t.deepEqual(planClaimRepair(claim(), 'unlisted', 61_001, 60_000), { action: 'confirm-and-delete', reason: 'IPAddressWrongReference', note: 'IPAddress: 10.0.0.20 for Service default/web has a wrong reference; cleaning up' });
  t.is(planClaimRepair(claim({ parent: undefined }), 'missing', 0, 60_000).action, 'confirm-and-delete');
});

