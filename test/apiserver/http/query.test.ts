import test, { type ExecutionContext } from 'ava';
import { ApiError } from '../../../apiserver/errors.js';
import {
  deleteOptionsFrom,
  isWatchRequest,
  listOptionsFrom,
  parseBool,
  patchOptionsFrom,
  patchTypeFrom,
  watchOptionsFrom,
  writeOptionsFrom,
} from '../../../apiserver/http/query.js';

const q = (s: string) => new URLSearchParams(s);

function code(t: ExecutionContext, fn: () => unknown): number | undefined {
  const e = t.throws(fn, { instanceOf: ApiError }) as ApiError | undefined;
  return e?.code;
}

test('parseBool › accepts true and 1, false and 0, rejects other words', (t) => {
  t.true(parseBool(q('watch=true'), 'watch'));
  t.true(parseBool(q('watch=1'), 'watch'));
  t.false(parseBool(q('watch=false'), 'watch'));
  t.false(parseBool(q('watch=0'), 'watch'));
  t.is(parseBool(q(''), 'watch'), undefined);
  t.is(code(t, () => parseBool(q('watch=yes'), 'watch')), 400);
});

test('isWatchRequest › watch=1 or the /watch/ path', (t) => {
  t.true(isWatchRequest(q('watch=1'), false));
  t.true(isWatchRequest(q(''), true));
  t.false(isWatchRequest(q('watch=false'), false));
});

test('listOptionsFrom › carries selectors, paging and resourceVersion', (t) => {
  const o = listOptionsFrom(q('labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx&limit=5&continue=tok&resourceVersion=7&resourceVersionMatch=NotOlderThan&timeout=32s'), 'default');
  t.deepEqual(o, { namespace: 'default', labelSelector: 'app=web', fieldSelector: 'metadata.name=x', limit: 5, continue: 'tok', resourceVersion: '7', resourceVersionMatch: 'NotOlderThan' });
  t.deepEqual(listOptionsFrom(q('limit=&labelSelector='), undefined), {});
});

test('listOptionsFrom › a limit that is not a number is 400; zero or less is no limit; any resourceVersionMatch is passed on', (t) => {
  t.is(code(t, () => listOptionsFrom(q('limit=abc'), undefined)), 400);
  t.is(code(t, () => listOptionsFrom(q('timeoutSeconds=abc'), undefined)), 400);
  t.deepEqual(listOptionsFrom(q('limit=-1'), undefined), {});
  t.deepEqual(listOptionsFrom(q('limit=0'), undefined), {});
  // The store's ValidateListOptions refuses it with the other list rules (422).
  t.deepEqual(listOptionsFrom(q('resourceVersionMatch=Newest'), undefined), { resourceVersionMatch: 'Newest' as 'Exact' });
});

test('listOptionsFrom › sendInitialEvents is for watches: 422 on a list, as ValidateListOptions answers', (t) => {
  const err = t.throws(() => listOptionsFrom(q('sendInitialEvents=true'), undefined), { instanceOf: ApiError });
  t.is(err?.code, 422);
  t.is(err?.message, 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
  t.deepEqual(listOptionsFrom(q('timeoutSeconds=30'), undefined), {});
});

test('watchOptionsFrom › bookmarks, initial events and the timeout', (t) => {
  const { opts, timeoutSeconds } = watchOptionsFrom(q('watch=1&resourceVersion=12&allowWatchBookmarks=true&sendInitialEvents=1&timeoutSeconds=300'), 'ns');
  t.deepEqual(opts, { namespace: 'ns', resourceVersion: '12', allowWatchBookmarks: true, sendInitialEvents: true });
  t.is(timeoutSeconds, 300);
  t.is(watchOptionsFrom(q('watch=1'), undefined).timeoutSeconds, undefined);
});

test('writeOptionsFrom › dryRun=All and fieldManager; fieldValidation accepted', (t) => {
  t.deepEqual(writeOptionsFrom(q('dryRun=All&fieldManager=kubectl-create&fieldValidation=Strict')), { dryRun: true, fieldManager: 'kubectl-create' });
  t.deepEqual(writeOptionsFrom(q('fieldValidation=Warn')), {});
});

test('writeOptionsFrom › a bad query is a 422 on the verb\'s options listing every problem (ValidateCreateOptions / ValidateUpdateOptions)', (t) => {
  const invalid = (query: string, kind?: 'UpdateOptions') => {
    const err = t.throws(() => writeOptionsFrom(q(query), undefined, kind), { instanceOf: ApiError }) as ApiError;
    t.is(err.code, 422);
    return err.status;
  };
  t.like(invalid('dryRun=Some'), { details: { group: 'meta.k8s.io', kind: 'CreateOptions', name: '' },
    message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"' });
  t.is(invalid('fieldValidation=Loose', 'UpdateOptions').message,
    'UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"');
  t.is(invalid(`fieldManager=${'m'.repeat(129)}`).message, 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes');
  t.is(invalid('fieldManager=a%07b').message, 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\u0007b": invalid character U+0007 (at position 1)');
  t.deepEqual(invalid('dryRun=x&fieldValidation=y&fieldManager=%0A').details?.causes?.map((c) => c.field), ['fieldManager', 'dryRun', 'fieldValidation']);
  // 128 bytes of printable text, spaces and non-ASCII letters included, are fine.
  t.deepEqual(writeOptionsFrom(q(`fieldManager=${encodeURIComponent(`my tool ${'é'.repeat(60)}`)}`)), { fieldManager: `my tool ${'é'.repeat(60)}` });
});

test('patchTypeFrom › the Content-Type picks the patch type; others are 415', (t) => {
  t.is(patchTypeFrom('application/merge-patch+json; charset=utf-8'), 'application/merge-patch+json');
  t.is(patchTypeFrom('application/strategic-merge-patch+json'), 'application/strategic-merge-patch+json');
  t.is(patchTypeFrom('application/apply-patch+yaml'), 'application/apply-patch+yaml');
  t.is(patchTypeFrom('application/json-patch+json'), 'application/json-patch+json');
  t.is(code(t, () => patchTypeFrom('application/json')), 415);
  t.is(code(t, () => patchTypeFrom(undefined)), 415);
});

test('patchOptionsFrom › apply needs a field manager (422); force only with apply', (t) => {
  const apply = 'application/apply-patch+yaml' as const;
  t.deepEqual(patchOptionsFrom(q('fieldManager=kubectl&force=false'), apply), { fieldManager: 'kubectl', force: false });
  const e = t.throws(() => patchOptionsFrom(q(''), apply), { instanceOf: ApiError });
  t.is(e?.code, 422);
  t.is(e?.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  t.is(code(t, () => patchOptionsFrom(q('force=true'), 'application/merge-patch+json')), 422);
  const all = t.throws(() => patchOptionsFrom(q('dryRun=Now'), apply), { instanceOf: ApiError }) as ApiError;
  t.is(all.message, 'PatchOptions.meta.k8s.io "" is invalid: [fieldManager: Required value: is required for apply patch, dryRun: Unsupported value: []string{"Now"}: supported values: "All"]');
});

test('deleteOptionsFrom › query parameters, or a DeleteOptions body and then no parameter at all', (t) => {
  t.deepEqual(deleteOptionsFrom(q('gracePeriodSeconds=0&propagationPolicy=Orphan&dryRun=All'), undefined), { gracePeriodSeconds: 0, propagationPolicy: 'Orphan', dryRun: true });
  t.deepEqual(deleteOptionsFrom(q('propagationPolicy=Orphan&dryRun=All&gracePeriodSeconds=0'), { propagationPolicy: 'Background' }), { propagationPolicy: 'Background' });
  t.deepEqual(deleteOptionsFrom(q('orphanDependents=true'), undefined), { propagationPolicy: 'Orphan' });
  t.deepEqual(deleteOptionsFrom(q(''), { orphanDependents: false }), { propagationPolicy: 'Background' });
  t.deepEqual(deleteOptionsFrom(q(''), { gracePeriodSeconds: -5, dryRun: null, preconditions: null }), { gracePeriodSeconds: -5 }, 'the store treats a negative grace as 1 s');
  t.deepEqual(
    deleteOptionsFrom(q(''), { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 5, dryRun: ['All'], preconditions: { uid: 'u1', resourceVersion: '3' } }),
    { gracePeriodSeconds: 5, dryRun: true, preconditions: { uid: 'u1', resourceVersion: '3' } },
  );
  t.is(code(t, () => deleteOptionsFrom(q('gracePeriodSeconds=soon'), undefined)), 400);
  t.is(code(t, () => deleteOptionsFrom(q(''), [1])), 400);
});

test('deleteOptionsFrom › options that decode but are not valid are a 422 on DeleteOptions listing every problem (ValidateDeleteOptions)', (t) => {
  const invalid = (query: string, body?: unknown) => {
    const err = t.throws(() => deleteOptionsFrom(q(query), body), { instanceOf: ApiError }) as ApiError;
    t.is(err.code, 422);
    return err.status;
  };
  t.like(invalid('propagationPolicy=Eventually'), {
    reason: 'Invalid', details: { group: 'meta.k8s.io', kind: 'DeleteOptions', name: '' },
    message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Eventually": supported values: "Foreground", "Background", "Orphan", "nil"',
  });
  t.is(invalid('', { dryRun: ['All', 'Some'] }).message, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"All", "Some"}: supported values: "All"');
  t.is(invalid('dryRun=Yes').message, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Yes"}: supported values: "All"');
  const both = invalid('', { orphanDependents: true, propagationPolicy: 'Orphan' });
  t.is(both.message, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set');
  t.deepEqual(invalid('', { orphanDependents: true, propagationPolicy: 'Never', dryRun: ['x'] }).details?.causes?.map((c) => c.field), ['propagationPolicy', 'propagationPolicy', 'dryRun']);
});

test('deleteOptionsFrom › a body value of the wrong type is the decoder’s plain error: 500, no reason, Go’s words', (t) => {
  for (const [body, message] of [
    [{ propagationPolicy: { toString: 0 } }, 'json: cannot unmarshal object into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation'],
    [{ dryRun: 'All' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string'],
    [{ gracePeriodSeconds: 1.5 }, 'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
    [{ preconditions: { uid: 5 } }, 'json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type types.UID'],
  ] as const) {
    const err = t.throws(() => deleteOptionsFrom(q(''), body), { instanceOf: ApiError });
    t.like(err?.status, { code: 500, reason: undefined, message });
  }
});

test('writeOptionsFrom › without fieldManager a write is recorded under the User-Agent product; apply patches still must name one', (t) => {
  t.deepEqual(writeOptionsFrom(q(''), 'kubectl/v1.33.0 (linux/amd64) kubernetes/abc'), { fieldManager: 'kubectl' });
  t.deepEqual(writeOptionsFrom(q('fieldManager=me'), 'kubectl/v1.33.0'), { fieldManager: 'me' });
  t.deepEqual(patchOptionsFrom(q(''), 'application/merge-patch+json', 'svcplane/v20'), { fieldManager: 'svcplane' });
  t.throws(() => patchOptionsFrom(q(''), 'application/apply-patch+yaml', 'kubectl/v1.33.0'), { message: /fieldManager: Required value/ });
});
