import test from 'ava';
import { OwnWrites } from '../../../controllers/runtime/own-writes.js';

test('OwnWrites › the echo is recognised whether it comes before or after the write\'s answer, once', (t) => {
  const w = new OwnWrites();
  // Echo first (in-process client): seen while the write is under way.
  w.writing('ns/a', '10');
  t.true(w.isEcho('ns/a', '10', '11'));
  t.false(w.isEcho('ns/a', '11', '12'), 'a second update during the same write is not the echo');
  w.written('ns/a', '11');
  t.false(w.isEcho('ns/a', '12', '13'), 'once echoed, nothing more is skipped');
  // Answer first (HTTP): the echo carries the resourceVersion the write returned.
  w.writing('ns/b', '20');
  w.written('ns/b', '21');
  t.true(w.isEcho('ns/b', '20', '21'));
  t.false(w.isEcho('ns/b', '21', '22'));
  t.is(w.size, 0, 'nothing kept once the echoes are in');
});

test('OwnWrites › other writers\' changes are not echoes; a failed write and a delete leave nothing behind', (t) => {
  const w = new OwnWrites();
  w.writing('ns/a', '10');
  t.false(w.isEcho('ns/a', '9', '10'), 'an older change still arriving');
  t.false(w.isEcho('ns/b', '10', '11'), 'another key');
  w.written('ns/a', undefined);
  t.false(w.isEcho('ns/a', '10', '11'), 'the write failed: whatever comes is someone else\'s');
  // An answered write whose echo is overtaken by another change: that change is work, and ends the tracking.
  w.writing('ns/c', '30');
  w.written('ns/c', '31');
  t.false(w.isEcho('ns/c', '31', '35'));
  t.false(w.isEcho('ns/c', '30', '31'));
  w.writing('ns/d', '40');
  w.written('ns/d', '41');
  w.forget('ns/d');
  t.is(w.size, 0);
});

test('OwnWrites › handlerFor enqueues adds, deletes and others\' updates, but not the echo of an own write', (t) => {
  const w = new OwnWrites();
  const queued: string[] = [];
  const h = w.handlerFor<{ metadata: { name: string; namespace: string; resourceVersion: string } }>((key) => queued.push(key));
  const obj = (rv: string) => ({ metadata: { name: 'a', namespace: 'ns', resourceVersion: rv } });
  h.onAdd?.(obj('1'));
  w.writing('ns/a', '1');
  w.written('ns/a', '2');
  h.onUpdate?.(obj('1'), obj('2'));
  h.onUpdate?.(obj('2'), obj('3'));
  w.writing('ns/a', '3');
  w.written('ns/a', '4');
  h.onDelete?.(obj('3'));
  t.deepEqual(queued, ['ns/a', 'ns/a', 'ns/a'], 'the add, the update by someone else and the delete; not the echo');
  t.is(w.size, 0, 'the delete forgot the write whose echo never came');
});
