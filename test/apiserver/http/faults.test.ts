import test from 'ava';
import { ApiError } from '../../../apiserver/errors.js';
import { FaultInjector, handleFaultAction } from '../../../apiserver/http/faults.js';
import { resourceFor } from '../../../apiserver/resources.js';

const pods = resourceFor('', 'pods');
const services = resourceFor('', 'services');

function injector() {
  const calls: string[] = [];
  const f = new FaultInjector({ closeAllWatches: () => calls.push('close'), compact: () => calls.push('compact'), currentResourceVersion: () => '17' }, 3);
  return { f, calls };
}

test('FaultInjector › fails exactly the next N matching requests', (t) => {
  const { f } = injector();
  f.failNext({ verb: 'create', resource: 'pods', count: 2, code: 500 });
  t.is(f.takeFailure('create', services, undefined, undefined), undefined);
  t.is(f.takeFailure('list', pods, undefined, undefined), undefined);
  const e = f.takeFailure('create', pods, undefined, undefined);
  t.like(e?.status, { code: 500, reason: 'InternalError', message: 'Internal error occurred: injected fault' });
  t.truthy(f.takeFailure('create', pods, undefined, undefined));
  t.is(f.takeFailure('create', pods, undefined, undefined), undefined);
});

test('FaultInjector › wildcards, subresources, 429 with Retry-After and 409 naming the object', (t) => {
  const { f } = injector();
  f.failNext({ code: 429, retryAfterSeconds: 3 });
  const e = f.takeFailure('watch', services, undefined, undefined)!;
  t.is(e.code, 429);
  t.is(e.retryAfterSeconds, 3);
  t.is(e.status.details?.retryAfterSeconds, 3);
  f.failNext({ verb: 'update', resource: 'pods/status', code: 409 });
  t.is(f.takeFailure('update', pods, undefined, 'web'), undefined);
  const c = f.takeFailure('update', pods, 'status', 'web')!;
  t.is(c.message, 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again');
  f.failNext({ verb: 'get', resource: 'pods', code: 503, message: 'etcd is away' });
  t.like(f.takeFailure('get', pods, 'status', 'web')!.status, { code: 503, reason: 'ServiceUnavailable', message: 'etcd is away' });
});

test('FaultInjector › rejects bad rules with RangeError', (t) => {
  const { f } = injector();
  t.throws(() => f.failNext({ code: 200 }), { instanceOf: RangeError });
  t.throws(() => f.failNext({ code: 500, count: 0 }), { instanceOf: RangeError });
  t.throws(() => f.failNext({ code: 500, verb: 'explode' as never }), { instanceOf: RangeError });
  t.throws(() => f.setWatchDelay(-1), { instanceOf: RangeError });
});

test('FaultInjector › the request log keeps the last entries; reset clears rules, delay and log', (t) => {
  const { f } = injector();
  for (let i = 0; i < 5; i++) f.record({ method: 'GET', url: `/${i}`, code: 200, injected: false });
  t.deepEqual(f.requestLog().map((e) => e.url), ['/2', '/3', '/4']);
  f.failNext({ code: 500 });
  f.setWatchDelay(20);
  f.reset();
  t.is(f.requestLog().length, 0);
  t.is(f.watchDelayMs(), 0);
  t.is(f.takeFailure('get', pods, undefined, 'x'), undefined);
});

test('handleFaultAction › the admin actions drive the injector; unknown ones are undefined', (t) => {
  const { f, calls } = injector();
  t.deepEqual(handleFaultAction(f, 'POST', 'close-watches', undefined), { code: 200, body: { ok: true } });
  t.deepEqual(handleFaultAction(f, 'POST', 'compact', undefined), { code: 200, body: { ok: true, resourceVersion: '17' } });
  t.deepEqual(calls, ['close', 'compact']);
  handleFaultAction(f, 'POST', 'fail', { verb: 'list', resource: 'pods', code: 500 });
  t.truthy(f.takeFailure('list', pods, undefined, undefined));
  handleFaultAction(f, 'POST', 'watch-delay', { ms: 25 });
  t.is(f.watchDelayMs(), 25);
  t.deepEqual(handleFaultAction(f, 'GET', 'resource-version', undefined), { code: 200, body: { resourceVersion: '17' } });
  t.is(handleFaultAction(f, 'GET', 'compact', undefined), undefined);
  t.is(handleFaultAction(f, 'POST', 'explode', undefined), undefined);
  const e = t.throws(() => handleFaultAction(f, 'POST', 'fail', { code: 'bad' }), { instanceOf: ApiError });
  t.is(e?.code, 400);
});
