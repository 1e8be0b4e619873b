import test from 'ava';
import fc from 'fast-check';
import { ApiError } from '../../../apiserver/errors.js';
import { applyJsonPatch, decodeJsonPatch, type JsonPatchOperation } from '../../../apiserver/patch/json-patch.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

type Row = { name: string; doc: unknown; patch: JsonPatchOperation[]; want?: unknown; fails?: RegExp };

// RFC 6902 Appendix A, plus the API server's escaping and append cases.
const rows: Row[] = [
  { name: 'A.1 add an object member', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz', value: 'qux' }], want: { baz: 'qux', foo: 'bar' } },
  { name: 'A.2 add an array element', doc: { foo: ['bar', 'baz'] }, patch: [{ op: 'add', path: '/foo/1', value: 'qux' }], want: { foo: ['bar', 'qux', 'baz'] } },
  { name: 'A.3 remove an object member', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'remove', path: '/baz' }], want: { foo: 'bar' } },
  { name: 'A.4 remove an array element', doc: { foo: ['bar', 'qux', 'baz'] }, patch: [{ op: 'remove', path: '/foo/1' }], want: { foo: ['bar', 'baz'] } },
  { name: 'A.5 replace a value', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'replace', path: '/baz', value: 'boo' }], want: { baz: 'boo', foo: 'bar' } },
  {
    name: 'A.6 move a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  { name: 'A.7 move an array element', doc: { foo: ['all', 'grass', 'cows', 'eat'] }, patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }], want: { foo: ['all', 'cows', 'eat', 'grass'] } },
  {
    name: 'A.8 test succeeds',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  { name: 'A.9 test fails', doc: { baz: 'qux' }, patch: [{ op: 'test', path: '/baz', value: 'bar' }], fails: /testing value \/baz failed: test failed/ },
  { name: 'A.10 add a nested member object', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }], want: { foo: 'bar', child: { grandchild: {} } } },
  { name: 'A.11 unrecognized members are ignored', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 } as JsonPatchOperation], want: { foo: 'bar', baz: 'qux' } },
  { name: 'A.12 add to a nonexistent target', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }], fails: /add operation does not apply: doc is missing path: "\/baz\/bat"/ },
  { name: 'A.14 ~01 unescapes to ~1', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: 10 }], want: { '/': 9, '~1': 10 } },
  { name: 'A.15 a string is not a number', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: '10' }], fails: /test failed/ },
  { name: 'A.16 add an array value with -', doc: { foo: ['bar'] }, patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], want: { foo: ['bar', ['abc', 'def']] } },
  {
    name: 'an annotation key with a slash is escaped as ~1',
    doc: { metadata: { annotations: { 'example.com/x': 'a' } } },
    patch: [{ op: 'replace', path: '/metadata/annotations/example.com~1x', value: 'b' }],
    want: { metadata: { annotations: { 'example.com/x': 'b' } } },
  },
  { name: 'copy duplicates a value', doc: { a: { b: 1 } }, patch: [{ op: 'copy', from: '/a', path: '/c' }], want: { a: { b: 1 }, c: { b: 1 } } },
  { name: 'remove of a missing member fails', doc: { a: 1 }, patch: [{ op: 'remove', path: '/b' }], fails: /^error in remove for path: '\/b': Unable to remove nonexistent key: b: missing value$/ },
  { name: 'remove under a missing member fails', doc: { a: 1 }, patch: [{ op: 'remove', path: '/b/c' }], fails: /^remove operation does not apply: doc is missing path: "\/b\/c": missing value$/ },
  { name: 'remove past the end of an array fails', doc: { a: [1] }, patch: [{ op: 'remove', path: '/a/1' }], fails: /^error in remove for path: '\/a\/1': Unable to access invalid index: 1: invalid index referenced$/ },
  // json-patch v4.12.0 (kube-apiserver 1.33): partialDoc.get never fails, so replace adds (evanphx/json-patch#119).
  { name: 'replace of a missing object member adds it, as json-patch v4 does', doc: { a: 1 }, patch: [{ op: 'replace', path: '/b', value: 2 }], want: { a: 1, b: 2 } },
  { name: 'replace under a missing member fails', doc: { a: 1 }, patch: [{ op: 'replace', path: '/b/c', value: 2 }], fails: /^replace operation does not apply: doc is missing path: \/b\/c: missing value$/ },
  { name: 'replace past the end of an array fails', doc: { a: [1] }, patch: [{ op: 'replace', path: '/a/1', value: 2 }], fails: /^replace operation does not apply: doc is missing key: \/a\/1: missing value$/ },
  // `-` is "the end" only to add on an array (json-patch v4 partialArray.add); on an object it is a member name.
  { name: '- on an object: add sets a member named -', doc: { data: { k: 'v' } }, patch: [{ op: 'add', path: '/data/-', value: 'x' }], want: { data: { k: 'v', '-': 'x' } } },
  { name: '- on an object: replace sets it, existing or not', doc: { data: { k: 'v' } }, patch: [{ op: 'replace', path: '/data/-', value: 'x' }, { op: 'replace', path: '/data/-', value: 'y' }], want: { data: { k: 'v', '-': 'y' } } },
  { name: '- on an object: remove removes the member named -', doc: { data: { k: 'v', '-': 'x' } }, patch: [{ op: 'remove', path: '/data/-' }], want: { data: { k: 'v' } } },
  { name: '- on an object: remove of a missing - fails like any missing member', doc: { data: { k: 'v' } }, patch: [{ op: 'remove', path: '/data/-' }], fails: /^error in remove for path: '\/data\/-': Unable to remove nonexistent key: -: missing value$/ },
  { name: '- on an object: a path may go through it', doc: { data: { '-': { a: 1 } } }, patch: [{ op: 'add', path: '/data/-/b', value: 2 }, { op: 'test', path: '/data/-/b', value: 2 }], want: { data: { '-': { a: 1, b: 2 } } } },
  { name: '- on the root object', doc: { a: 1 }, patch: [{ op: 'add', path: '/-', value: 2 }], want: { a: 1, '-': 2 } },
  { name: '- on an array: add appends', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/-', value: 3 }], want: { l: [1, 2, 3] } },
  { name: '- on an empty array: add appends', doc: { l: [] }, patch: [{ op: 'add', path: '/l/-', value: 3 }], want: { l: [3] } },
  { name: '- on an array: remove fails, - is no integer (strconv.Atoi)', doc: { l: [1, 2] }, patch: [{ op: 'remove', path: '/l/-' }], fails: /^error in remove for path: '\/l\/-': strconv\.Atoi: parsing "-": invalid syntax$/ },
  { name: '- on an array: replace fails, - is no element', doc: { l: [1, 2] }, patch: [{ op: 'replace', path: '/l/-', value: 3 }], fails: /^replace operation does not apply: doc is missing key: \/l\/-: missing value$/ },
  // json-patch v4.12.0: strconv.Atoi indices (sign, leading zeros) and SupportNegativeIndices.
  { name: 'a negative index counts from the end: remove', doc: { l: [1, 2, 3] }, patch: [{ op: 'remove', path: '/l/-1' }], want: { l: [1, 2] } },
  { name: 'a negative index counts from the end: replace', doc: { l: [1, 2, 3] }, patch: [{ op: 'replace', path: '/l/-1', value: 9 }], want: { l: [1, 2, 9] } },
  { name: 'a negative index counts from the end of the longer array: add', doc: { l: [1, 2, 3] }, patch: [{ op: 'add', path: '/l/-1', value: 9 }], want: { l: [1, 2, 3, 9] } },
  { name: 'leading zeros and a plus sign read as Atoi reads them', doc: { l: [1, 2, 3] }, patch: [{ op: 'remove', path: '/l/01' }, { op: 'replace', path: '/l/+1', value: 9 }], want: { l: [1, 9] } },
  { name: 'a negative index within a path', doc: { l: [{ a: 1 }, { a: 2 }] }, patch: [{ op: 'replace', path: '/l/-1/a', value: 9 }], want: { l: [{ a: 1 }, { a: 9 }] } },
  { name: 'a negative index beyond the start fails with the parsed number', doc: { l: [1] }, patch: [{ op: 'remove', path: '/l/-02' }], fails: /^error in remove for path: '\/l\/-02': Unable to access invalid index: -2: invalid index referenced$/ },
  { name: 'add at a token Atoi refuses fails in its words', doc: { l: [1] }, patch: [{ op: 'add', path: '/l/x', value: 2 }], fails: /^error in add for path: '\/l\/x': value was not a proper array index: 'x': strconv\.Atoi: parsing "x": invalid syntax$/ },
  { name: 'add past the end of an array fails', doc: { a: [1] }, patch: [{ op: 'add', path: '/a/5', value: 2 }], fails: /invalid index/ },
  { name: 'an unknown op fails', doc: { a: 1 }, patch: [{ op: 'frob', path: '/a' }], fails: /Unexpected kind: frob/ },
  { name: 'a missing value fails', doc: { a: 1 }, patch: [{ op: 'add', path: '/b' }], fails: /missing value field/ },
  { name: 'move into its own child fails', doc: { a: { b: 1 } }, patch: [{ op: 'move', from: '/a', path: '/a/b/c' }], fails: /proper prefix/ },
  { name: 'replace the whole document', doc: { a: 1 }, patch: [{ op: 'replace', path: '', value: { b: 2 } }], want: { b: 2 } },
];

for (const row of rows) {
  test(`applyJsonPatch › ${row.name}`, (t) => {
    const doc = deepFreeze(structuredClone(row.doc));
    if (row.fails) {
      const err = t.throws(() => applyJsonPatch(doc, row.patch), { instanceOf: ApiError });
      t.is(err?.code, 422);
      t.is(err?.reason, 'Invalid');
      t.regex(err?.status.details?.causes?.[0]?.message ?? '', row.fails);
    } else {
      t.deepEqual(applyJsonPatch(doc, row.patch), row.want);
    }
  });
}

test('applyJsonPatch › a failing operation leaves nothing half-applied in the input', (t) => {
  const doc = deepFreeze({ a: 1 });
  t.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 5 }]));
  t.deepEqual(doc, { a: 1 });
});

test('decodeJsonPatch › not JSON is a 400', (t) => {
  const err = t.throws(() => decodeJsonPatch('[{'), { instanceOf: ApiError });
  t.is(err?.code, 400);
  t.is(err?.message, 'invalid JSON patch');
});

test('decodeJsonPatch › an object instead of an array is a 400', (t) => {
  const err = t.throws(() => decodeJsonPatch('{"op":"add"}'), { instanceOf: ApiError });
  t.is(err?.code, 400);
  t.is(err?.reason, 'BadRequest');
});

test('decodeJsonPatch › a non-object operation is a 400', (t) => {
  const err = t.throws(() => decodeJsonPatch('["add"]'), { instanceOf: ApiError });
  t.is(err?.code, 400);
});

test('applyJsonPatch › add then remove of a new member restores the document', (t) => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), fc.jsonValue(), (doc, key, value) => {
      fc.pre(!(key in doc));
      const path = `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const added = applyJsonPatch(doc, [{ op: 'add', path, value }]) as Record<string, unknown>;
      t.deepEqual(added[key], value);
      t.deepEqual(applyJsonPatch(added, [{ op: 'remove', path }]), doc);
    }),
    { numRuns: 1000 },
  );
});

test('decodeJsonPatch › more than 10000 operations is a 413', (t) => {
  const ops = JSON.stringify(Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 })));
  const err = t.throws(() => decodeJsonPatch(ops), { instanceOf: ApiError });
  t.is(err?.code, 413);
  t.is(err?.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  t.notThrows(() => decodeJsonPatch(JSON.stringify(Array.from({ length: 10000 }, () => ({ op: 'test', path: '/a', value: 1 })))));
});
