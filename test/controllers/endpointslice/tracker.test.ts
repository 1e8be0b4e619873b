import test from 'ava';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { EndpointSliceTracker } from '../../../controllers/endpointslice/tracker.js';
import { service } from './fixtures.js';

function es(uid: string, generation: number, svcName = 'web'): EndpointSlice {
  return { metadata: { name: `s-${uid}`, namespace: 'default', uid, generation, labels: { 'kubernetes.io/service-name': svcName } }, addressType: 'IPv4', endpoints: [] };
}
const svc = service();

test('EndpointSliceTracker › shouldSync: untracked or newer generation only', (t) => {
  const tr = new EndpointSliceTracker();
  t.true(tr.shouldSync(es('a', 1)));
  tr.update(es('a', 2));
  t.true(tr.has(es('a', 2)));
  t.false(tr.shouldSync(es('a', 1)));
  t.false(tr.shouldSync(es('a', 2)), 'its own write');
  t.true(tr.shouldSync(es('a', 3)));
  t.true(tr.shouldSync(es('b', 1)));
});

test('EndpointSliceTracker › staleSlices: older generation, expected deletion still listed, or a tracked slice missing', (t) => {
  const tr = new EndpointSliceTracker();
  t.false(tr.staleSlices(svc, [es('a', 1)]), 'nothing tracked');
  tr.update(es('a', 2));
  tr.update(es('b', 1));
  t.false(tr.staleSlices(svc, [es('a', 2), es('b', 1)]));
  t.false(tr.staleSlices(svc, [es('a', 3), es('b', 1), es('c', 1)]), 'newer and unknown slices are fine');
  t.true(tr.staleSlices(svc, [es('a', 1), es('b', 1)]), 'older generation');
  t.true(tr.staleSlices(svc, [es('a', 2)]), 'b missing');
  tr.expectDeletion(es('b', 1));
  t.false(tr.staleSlices(svc, [es('a', 2)]), 'b expected gone');
  t.true(tr.staleSlices(svc, [es('a', 2), es('b', 1)]), 'b still listed');
});

test('EndpointSliceTracker › handleDeletion: true when expected or untracked, false when a tracked slice vanished', (t) => {
  const tr = new EndpointSliceTracker();
  tr.update(es('a', 1));
  tr.update(es('b', 1));
  tr.expectDeletion(es('a', 1));
  t.true(tr.handleDeletion(es('a', 1)));
  t.false(tr.handleDeletion(es('b', 1)));
  t.false(tr.has(es('b', 1)));
  t.true(tr.handleDeletion(es('z', 1, 'other')));
});

test('EndpointSliceTracker › deleteService forgets every slice of the Service only', (t) => {
  const tr = new EndpointSliceTracker();
  tr.update(es('a', 1));
  tr.update(es('o', 1, 'other'));
  tr.deleteService('default', 'web');
  t.false(tr.has(es('a', 1)));
  t.true(tr.has(es('o', 1, 'other')));
  t.false(tr.staleSlices(svc, []));
});
