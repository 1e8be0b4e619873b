import test from 'ava';
import { internalError } from '../../../apiserver/errors.js';
import { SliceSyncError, SliceWriteError, StaleSliceCacheError, aggregateMessages } from '../../../controllers/endpointslice/errors.js';

test('aggregateMessages › as utilerrors.NewAggregate prints: one as itself, several in brackets, repeats dropped', (t) => {
  t.is(aggregateMessages(['a']), 'a');
  t.is(aggregateMessages(['a', 'b']), '[a, b]');
  t.is(aggregateMessages(['a', 'b', 'a', 'c', 'b']), '[a, b, c]', 'first-seen order, each once');
  t.is(aggregateMessages(['a', 'a']), 'a', 'one distinct message has no brackets');
  t.is(aggregateMessages([]), '');
});

test('SliceWriteError › Kubernetes\' finalize words for create, update and delete', (t) => {
  const cause = internalError('etcd is sad');
  const owner = { kind: 'Service', key: 'ns/web' } as const;
  t.is(new SliceWriteError('create', undefined, owner, cause).message, 'failed to create EndpointSlice for Service ns/web: Internal error occurred: etcd is sad');
  t.is(new SliceWriteError('update', 'web-abc', owner, cause).message, 'failed to update web-abc EndpointSlice for Service ns/web: Internal error occurred: etcd is sad');
  t.is(new SliceWriteError('delete', 'web-abc', { kind: 'Endpoints', key: 'ns/ext' }, cause).message, 'failed to delete web-abc EndpointSlice for Endpoints ns/ext: Internal error occurred: etcd is sad');
  const err = new SliceWriteError('create', undefined, owner, cause);
  t.is(err.code, 'SliceWriteFailed');
  t.is(err.cause, cause);
});

test('SliceSyncError and StaleSliceCacheError › stable codes; the sync error\'s message is the aggregate', (t) => {
  const e = new SliceSyncError(['skipping Pod a for Service ns/web: Node n Not Found', 'skipping Pod a for Service ns/web: Node n Not Found']);
  t.is(e.code, 'SliceSyncFailed');
  t.is(e.message, 'skipping Pod a for Service ns/web: Node n Not Found', 'the same pod skipped for both address types is one message');
  t.is(new StaleSliceCacheError('ns/web').code, 'StaleInformerCache');
});
