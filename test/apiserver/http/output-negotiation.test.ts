import test from 'ava';
import { parse } from 'yaml';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { ApiError } from '../../../apiserver/errors.js';
import { isPrettyPrint, negotiateOutput, PLAIN_JSON, toYaml } from '../../../apiserver/http/output-negotiation.js';
import { call } from './api-client.js';

const KUBECTL_TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

const prettyCases: { query: string; userAgent?: string; want: boolean }[] = [
  { query: '', want: false },
  { query: 'pretty=true', want: true },
  { query: 'pretty=1', want: true },
  { query: 'pretty=T', want: true },
  { query: 'pretty=yes', want: false },
  { query: 'pretty=false', userAgent: 'curl/8.5.0', want: false },
  { query: 'pretty=', userAgent: 'curl/8.5.0', want: true },
  { query: '', userAgent: 'curl/8.5.0', want: true },
  { query: '', userAgent: 'Wget/1.21', want: true },
  { query: '', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', want: true },
  { query: '', userAgent: 'Mozilla/4.0', want: false },
  { query: '', userAgent: 'kubectl/v1.33.0 (linux/amd64) kubernetes/abcdef0', want: false },
];

for (const c of prettyCases) {
  test(`isPrettyPrint › ?${c.query} with ${c.userAgent ?? 'no User-Agent'} is ${c.want}`, (t) => {
    t.is(isPrettyPrint(new URLSearchParams(c.query), c.userAgent), c.want);
  });
}

const none = new URLSearchParams();

const outputCases: { name: string; accept?: string; isStream?: boolean; want: object | string }[] = [
  { name: 'no Accept is plain JSON', want: { mediaType: 'json', isPretty: false } },
  { name: '*/* is plain JSON', accept: '*/*', want: { mediaType: 'json', isPretty: false } },
  { name: 'application/* is JSON, the first served type', accept: 'application/*', want: { mediaType: 'json', isPretty: false } },
  { name: 'YAML is YAML', accept: 'application/yaml', want: { mediaType: 'yaml', isPretty: false } },
  { name: 'a browser header falls through to */*', accept: 'text/html,application/xhtml+xml,*/*;q=0.8', want: { mediaType: 'json', isPretty: false } },
  { name: 'pretty=1 in the Accept header indents', accept: 'application/json;pretty=1', want: { mediaType: 'json', isPretty: true } },
  { name: 'protobuf, which this server does not write, yields to JSON after it', accept: 'application/vnd.kubernetes.protobuf,application/json', want: { mediaType: 'json', isPretty: false } },
  { name: "kubectl's Table header is a v1 Table", accept: KUBECTL_TABLE, want: { mediaType: 'json', isPretty: false, table: { groupVersion: 'meta.k8s.io/v1' } } },
  { name: 'only protobuf is a 406', accept: 'application/vnd.kubernetes.protobuf', want: 'only the following media types are accepted: application/json, application/yaml' },
  { name: 'text/plain is a 406', accept: 'text/plain', want: 'only the following media types are accepted: application/json, application/yaml' },
  { name: 'a watch in JSON', accept: 'application/json', isStream: true, want: { mediaType: 'json', isPretty: false } },
  { name: 'a watch in YAML is a 406', accept: 'application/yaml', isStream: true, want: 'only the following media types are accepted: application/json;stream=watch' },
  { name: 'a watch whose first acceptable type is YAML is a 406 even with JSON after it', accept: 'application/yaml,application/json', isStream: true, want: 'only the following media types are accepted: application/json;stream=watch' },
  { name: 'a watch preferring JSON to YAML is JSON', accept: 'application/json,application/yaml', isStream: true, want: { mediaType: 'json', isPretty: false } },
];

for (const c of outputCases) {
  test(`negotiateOutput › ${c.name}`, (t) => {
    if (typeof c.want === 'string') {
      const err = t.throws(() => negotiateOutput(c.accept, none, undefined, c.isStream), { instanceOf: ApiError });
      t.is(err?.code, 406);
      t.is(err?.status.reason, 'NotAcceptable');
      t.is(err?.message, c.want);
    } else {
      t.deepEqual({ ...negotiateOutput(c.accept, none, undefined, c.isStream) }, c.want);
    }
  });
}

test('negotiateOutput › the common request costs no allocation', (t) => {
  t.is(negotiateOutput(undefined, none, undefined), PLAIN_JSON);
  t.is(negotiateOutput('application/json', none, 'kubectl/v1.33.0'), PLAIN_JSON);
});

test('toYaml › keys sorted, list items at the parent\'s indentation, YAML 1.1 words quoted', (t) => {
  const text = toYaml({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a' }, data: { on: 'yes', n: '123', list: 'a: b' }, items: [{ b: 1, a: 2 }] });
  t.is(text, [
    'apiVersion: v1',
    'data:',
    '  list: "a: b"',
    '  "n": "123"',
    '  "on": "yes"',
    'items:',
    '- a: 2',
    '  b: 1',
    'kind: ConfigMap',
    'metadata:',
    '  name: a',
    '',
  ].join('\n'));
});

let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0 });
  await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shown' }, data: { on: 'yes' } } });
});
test.after.always(() => s?.close());

test('server › Accept: application/yaml answers a get, a list and a create in YAML', async (t) => {
  const got = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/shown', { headers: { accept: 'application/yaml' } });
  t.is(got.status, 200);
  t.is(got.headers['content-type'], 'application/yaml');
  t.like(parse(got.text, { version: '1.1' }), { kind: 'ConfigMap', metadata: { name: 'shown' }, data: { on: 'yes' } });
  const list = await call(s, 'GET', '/api/v1/namespaces/default/configmaps', { headers: { accept: 'application/yaml' } });
  t.is(list.headers['content-type'], 'application/yaml');
  t.is(parse(list.text).kind, 'ConfigMapList');
  const created = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { headers: { accept: 'application/yaml' }, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' } } });
  t.is(created.status, 201);
  t.is(parse(created.text).metadata.name, 'y');
  t.is(Number(created.headers['content-length']), Buffer.byteLength(created.text));
});

test('server › curl gets indented JSON, pretty=false compact JSON, kubectl compact JSON', async (t) => {
  const curl = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/shown', { headers: { 'user-agent': 'curl/8.5.0' } });
  t.is(curl.headers['content-type'], 'application/json');
  t.is(curl.text, JSON.stringify(curl.json, null, 2));
  const compact = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/shown?pretty=false', { headers: { 'user-agent': 'curl/8.5.0' } });
  t.is(compact.text, JSON.stringify(compact.json));
  const kubectl = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/shown', { headers: { 'user-agent': 'kubectl/v1.33.0' } });
  t.is(kubectl.text, JSON.stringify(kubectl.json));
});

test('server › errors are negotiated too (ErrorNegotiated): YAML, indented JSON; a 406 as indented JSON (WriteRawJSON)', async (t) => {
  const pretty = await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/nothere?pretty=true');
  t.is(pretty.status, 404);
  t.is(pretty.text, JSON.stringify(pretty.json, null, 2));
  const yaml = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/nothere', { headers: { accept: 'application/yaml' } });
  t.is(yaml.status, 404);
  t.is(yaml.headers['content-type'], 'application/yaml');
  t.like(parse(yaml.text), { kind: 'Status', reason: 'NotFound', code: 404 });
  const refused = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/nothere', { headers: { accept: 'text/plain' } });
  t.is(refused.status, 406);
  t.is(refused.headers['content-type'], 'application/json');
  t.is(refused.text, JSON.stringify(refused.json, null, 2));
  const curl = await call(s, 'GET', '/api/v1/namespaces', { headers: { 'user-agent': 'curl/8.5.0' }, token: null });
  t.is(curl.status, 401);
  t.is(curl.text, JSON.stringify(curl.json, null, 2), 'curl gets its 401 indented, as from kube-apiserver');
});

test('server › a request accepting only protobuf is a 406 and writes nothing', async (t) => {
  const a = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { headers: { accept: 'application/vnd.kubernetes.protobuf' }, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'never' } } });
  t.is(a.status, 406);
  t.like(a.json, { kind: 'Status', reason: 'NotAcceptable', code: 406, message: 'only the following media types are accepted: application/json, application/yaml' });
  t.is((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/never')).status, 404);
});

test('server › a watch asked for in YAML is a 406', async (t) => {
  const a = await call(s, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1', { headers: { accept: 'application/yaml' } });
  t.is(a.status, 406);
  // The error itself is negotiated as a plain answer, which YAML can be (as ErrorNegotiated does).
  t.is(a.headers['content-type'], 'application/yaml');
  t.is(parse(a.text).message, 'only the following media types are accepted: application/json;stream=watch');
});
