import test from 'ava';
import type { Endpoints } from '../../../api-types/core.js';
import { hasLeaderElectionRecord, isLeftover } from '../../../controllers/endpoints/leftover.js';
import { StaleEndpointsTracker } from '../../../controllers/endpoints/tracker.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const ep = (name: string, rv: string, ns = 'default', annotations?: Record<string, string>): Endpoints =>
  deepFreeze({ metadata: { name, namespace: ns, resourceVersion: rv, ...(annotations ? { annotations } : {}) } });

test('StaleEndpointsTracker › only the exact recorded resourceVersion of that name is stale', (t) => {
  const tr = new StaleEndpointsTracker();
  t.false(tr.isStale(ep('a', '1')));
  tr.markStale(ep('a', '1'));
  t.true(tr.isStale(ep('a', '1')));
  t.false(tr.isStale(ep('a', '2')));
  t.false(tr.isStale(ep('a', '1', 'other')));
  t.false(tr.isStale(ep('b', '1')));
  tr.markStale(ep('a', '2'));
  t.false(tr.isStale(ep('a', '1')));
  t.true(tr.isStale(ep('a', '2')));
  t.is(tr.size, 1);
});

test('StaleEndpointsTracker › delete forgets a name', (t) => {
  const tr = new StaleEndpointsTracker();
  tr.markStale(ep('a', '1'));
  tr.delete('default', 'a');
  t.false(tr.isStale(ep('a', '1')));
  t.is(tr.size, 0);
});

test('isLeftover › Endpoints without a Service are deleted, except leader-election records', (t) => {
  t.true(isLeftover(ep('a', '1'), false));
  t.false(isLeftover(ep('a', '1'), true));
  const leader = ep('kube-controller-manager', '1', 'kube-system', { 'control-plane.alpha.kubernetes.io/leader': '{"holderIdentity":"x"}' });
  t.true(hasLeaderElectionRecord(leader));
  t.false(isLeftover(leader, false));
  t.false(isLeftover(ep('b', '1', 'default', { 'control-plane.alpha.kubernetes.io/leader': '' }), false));
  t.false(hasLeaderElectionRecord(ep('c', '1', 'default', { other: 'x' })));
});
