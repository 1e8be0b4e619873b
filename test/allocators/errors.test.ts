import test from 'ava';
import {
  AllocatorError,
  type AllocatorErrorCode,
  AlreadyAllocatedError,
  isAllocatorError,
  MismatchedRangeError,
  NotInRangeError,
  RangeFullError,
} from '../../allocators/errors.js';

const cases: { name: string; error: AllocatorError; code: AllocatorErrorCode; message: string }[] = [
  { name: 'IP range full', error: new RangeFullError('IP'), code: 'RangeFull', message: 'range is full' },
  { name: 'port range full', error: new RangeFullError('port'), code: 'RangeFull', message: 'range is full' },
  { name: 'IP taken', error: new AlreadyAllocatedError('IP'), code: 'AlreadyAllocated', message: 'provided IP is already allocated' },
  { name: 'port taken', error: new AlreadyAllocatedError('port'), code: 'AlreadyAllocated', message: 'provided port is already allocated' },
  {
    name: 'IP not in range',
    error: new NotInRangeError('IP', { value: '10.1.0.1', validRange: '10.0.0.0/24' }),
    code: 'NotInRange',
    message: 'the provided IP (10.1.0.1) is not in the valid range. The range of valid IPs is 10.0.0.0/24',
  },
  {
    name: 'port not in range',
    error: new NotInRangeError('port', { value: 80, validRange: '30000-32767' }),
    code: 'NotInRange',
    message: 'provided port is not in the valid range. The range of valid ports is 30000-32767',
  },
  {
    name: 'IP snapshot of another network',
    error: new MismatchedRangeError('IP', { snapshotRange: '10.0.0.0/24', currentRange: '10.0.1.0/24' }),
    code: 'MismatchedNetwork',
    message: 'the provided network does not match the current range',
  },
  {
    name: 'port snapshot of another range',
    error: new MismatchedRangeError('port', { snapshotRange: '30000-30010', currentRange: '30000-32767' }),
    code: 'MismatchedNetwork',
    message: 'the provided port range does not match the current port range',
  },
];

for (const c of cases) {
  test(`errors › ${c.name}: code ${c.code} and Kubernetes' words`, (t) => {
    t.true(c.error instanceof AllocatorError);
    t.true(c.error instanceof Error);
    t.is(c.error.code, c.code);
    t.is(c.error.message, c.message);
    t.is(c.error.name, c.error.constructor.name);
    t.true(isAllocatorError(c.error));
    t.true(isAllocatorError(c.error, c.error.code));
  });
}

test('errors › NotInRangeError carries the value and the valid range', (t) => {
  const e = new NotInRangeError('IP', { value: '2001:db8::1', validRange: '2001:db8:1::/64' });
  t.is(e.value, '2001:db8::1');
  t.is(e.validRange, '2001:db8:1::/64');
  t.is(e.kind, 'IP');
});

test('errors › MismatchedRangeError carries both ranges', (t) => {
  const e = new MismatchedRangeError('port', { snapshotRange: '30000-30010', currentRange: '30000-32767' });
  t.is(e.snapshotRange, '30000-30010');
  t.is(e.currentRange, '30000-32767');
});

test('errors › isAllocatorError filters by code and rejects other errors', (t) => {
  t.false(isAllocatorError(new RangeFullError('IP'), 'AlreadyAllocated'));
  t.false(isAllocatorError(new Error('range is full')));
  t.false(isAllocatorError(undefined));
  t.false(isAllocatorError({ code: 'RangeFull' }));
});
