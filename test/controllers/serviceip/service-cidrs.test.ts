import test from 'ava';
import type { ServiceCIDR } from '../../../api-types/networking.js';
import { isServiceCIDRReady, serviceCIDRViews } from '../../../controllers/serviceip/service-cidrs.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

function sc(name: string, opts: { ready?: 'True' | 'False' | 'Unknown'; deleting?: boolean; created?: string } = {}): ServiceCIDR {
  return deepFreeze({
    metadata: { name, creationTimestamp: opts.created ?? '2025-01-01T00:00:00Z', deletionTimestamp: opts.deleting ? '2025-01-02T00:00:00Z' : undefined },
    spec: { cidrs: ['10.1.0.0/24'] },
    status: opts.ready ? { conditions: [{ type: 'Ready', status: opts.ready, lastTransitionTime: '2025-01-01T00:00:00Z', reason: '', message: '' }] } : {},
  });
}

const readiness: { name: string; obj: ServiceCIDR; want: boolean }[] = [
  { name: 'no Ready condition (no ServiceCIDR controller runs)', obj: sc('a'), want: true },
  { name: 'Ready=True', obj: sc('a', { ready: 'True' }), want: true },
  { name: 'Ready=False', obj: sc('a', { ready: 'False' }), want: false },
  { name: 'Ready=Unknown', obj: sc('a', { ready: 'Unknown' }), want: false },
  { name: 'being deleted, Ready=True', obj: sc('a', { ready: 'True', deleting: true }), want: false },
  { name: 'being deleted, no condition', obj: sc('a', { deleting: true }), want: false },
];
for (const { name, obj, want } of readiness) {
  test(`service-cidrs › isServiceCIDRReady › ${name}`, (t) => {
    t.is(isServiceCIDRReady(obj), want);
  });
}

test('service-cidrs › serviceCIDRViews › oldest first, then by name, with their readiness', (t) => {
  const views = serviceCIDRViews(deepFreeze([sc('b', { created: '2025-03-01T00:00:00Z' }), sc('z', { ready: 'False' }), sc('kubernetes')]));
  t.deepEqual(views, [
    { name: 'kubernetes', cidrs: ['10.1.0.0/24'], isReady: true },
    { name: 'z', cidrs: ['10.1.0.0/24'], isReady: false },
    { name: 'b', cidrs: ['10.1.0.0/24'], isReady: true },
  ]);
});
