import test from 'ava';
import { ApiError } from '../../../apiserver/errors.js';
import { includeObjectFrom, negotiateTable, parseAccept } from '../../../apiserver/http/table-negotiation.js';

const T1 = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const T1B = 'application/json;as=Table;v=v1beta1;g=meta.k8s.io';
const KUBECTL = `${T1},${T1B},application/json`;

const cases: { name: string; accept: string | undefined; isWatchList?: boolean; want: string | undefined }[] = [
  { name: "kubectl's header is a v1 Table", accept: KUBECTL, want: 'meta.k8s.io/v1' },
  { name: 'v1beta1 first is a v1beta1 Table', accept: `${T1B},application/json`, want: 'meta.k8s.io/v1beta1' },
  { name: 'no Accept is plain JSON', accept: undefined, want: undefined },
  { name: 'plain application/json is plain JSON', accept: 'application/json', want: undefined },
  { name: 'a Table after plain JSON loses', accept: `application/json,${T1}`, want: undefined },
  { name: 'a Table of lower q loses', accept: `${T1};q=0.5,application/json;q=0.9`, want: undefined },
  { name: 'a Table of higher q wins even when listed last', accept: `application/json;q=0.5,${T1}`, want: 'meta.k8s.io/v1' },
  { name: 'a wildcard sorts after a specific type', accept: `*/*,${T1}`, want: 'meta.k8s.io/v1' },
  { name: 'a protobuf Table is not served; the next clause decides', accept: `application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json`, want: undefined },
  { name: 'a protobuf Table is skipped for a JSON one after it', accept: `application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,${T1}`, want: 'meta.k8s.io/v1' },
  { name: '*/* with as=Table is a JSON Table', accept: '*/*;as=Table;v=v1;g=meta.k8s.io', want: 'meta.k8s.io/v1' },
  { name: 'a YAML Table is a Table (this server writes JSON)', accept: 'application/yaml;as=Table;v=v1;g=meta.k8s.io', want: 'meta.k8s.io/v1' },
  { name: 'an unknown meta version is skipped', accept: 'application/json;as=Table;v=v2;g=meta.k8s.io,application/json', want: undefined },
  { name: 'a Table of another group is skipped', accept: 'application/json;as=Table;v=v1;g=example.com', want: undefined },
  { name: 'PartialObjectMetadata first is negotiated, and served as plain JSON', accept: `application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,${T1}`, want: undefined },
  { name: 'stream=watch is allowed on JSON', accept: `${T1};stream=watch`, want: 'meta.k8s.io/v1' },
  { name: 'an unknown server version (sv) is skipped', accept: `${T1};sv=v2,application/json`, want: undefined },
  { name: 'unrelated types are passed over', accept: `text/html,${T1}`, want: 'meta.k8s.io/v1' },
  { name: 'a streaming list cannot be a Table', accept: KUBECTL, isWatchList: true, want: undefined },
  { name: 'as=table is case-sensitive', accept: 'application/json;as=table;v=v1;g=meta.k8s.io', want: undefined },
];

for (const c of cases) {
  test(`negotiateTable › ${c.name}`, (t) => {
    t.is(negotiateTable(c.accept, c.isWatchList)?.groupVersion, c.want);
  });
}

test('parseAccept › parameters trimmed, q parsed (0 when not a number), malformed ranges dropped', (t) => {
  const clauses = parseAccept(' application/json ; as = Table ; q=x, bogus, */*');
  t.deepEqual(clauses.map((c) => [c.type, c.subType, c.q, Object.fromEntries(c.params)]), [['*', '*', 1, {}], ['application', 'json', 0, { as: 'Table' }]]);
});

test('includeObjectFrom › None, Metadata (the default) and Object; anything else is a 400 in kube-apiserver words', (t) => {
  t.is(includeObjectFrom(new URLSearchParams('')), 'Metadata');
  t.is(includeObjectFrom(new URLSearchParams('includeObject=Metadata')), 'Metadata');
  t.is(includeObjectFrom(new URLSearchParams('includeObject=None')), 'None');
  t.is(includeObjectFrom(new URLSearchParams('includeObject=Object')), 'Object');
  const err = t.throws(() => includeObjectFrom(new URLSearchParams('includeObject=All')), { instanceOf: ApiError });
  t.is(err?.code, 400);
  t.is(err?.status.message, `Unable to convert to Table as requested: includeObject: Invalid value: "All": must be 'Metadata', 'Object', 'None', or empty`);
});
