import test from 'ava';
import type { EndpointSlice } from '../../../api-types/networking.js';
import { copySlice, sliceToFill } from '../../../controllers/endpointslice/slice-packing.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';
import { pods, service, slice } from './fixtures.js';

const svc = service();
const all = pods(100);
const withSize = (name: string, n: number): EndpointSlice => slice(name, svc, all.slice(0, n));

const rows: { name: string; sizes: number[]; count: number; max: number; want: string | undefined }[] = [
  { name: 'the slice that ends closest to full', sizes: [10, 60, 40], count: 30, max: 100, want: 's1' },
  { name: 'an exact fit wins at once', sizes: [70, 20, 80], count: 30, max: 100, want: 's0' },
  { name: 'it must take all of them', sizes: [80, 90], count: 30, max: 100, want: undefined },
  { name: 'the first of equals', sizes: [10, 10], count: 5, max: 100, want: 's0' },
  { name: 'no slices', sizes: [], count: 5, max: 100, want: undefined },
];
for (const r of rows) {
  test(`sliceToFill › ${r.name}`, (t) => {
    const slices = r.sizes.map((n, i) => withSize(`s${i}`, n));
    t.is(sliceToFill(slices, r.count, r.max)?.metadata.name, r.want);
  });
}

test('copySlice › new metadata, labels, annotations and endpoints array; the original stays frozen and equal', (t) => {
  const orig = deepFreeze({ ...withSize('a', 2), metadata: { ...withSize('a', 2).metadata, annotations: { x: 'y' } } });
  const c = copySlice(orig);
  c.metadata.labels!.extra = '1';
  c.metadata.annotations!.x = 'z';
  c.endpoints!.pop();
  t.is(orig.endpoints!.length, 2);
  t.false('extra' in orig.metadata.labels!);
  t.is(orig.metadata.annotations!.x, 'y');
});
