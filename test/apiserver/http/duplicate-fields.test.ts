import test from 'ava';
import fc from 'fast-check';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { scanDuplicates, strictDecodingErrors, yamlDuplicateKeys } from '../../../apiserver/http/duplicate-fields.js';
import { call } from './api-client.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const errorsOf = (text: string, unknown: string[] = []) => strictDecodingErrors(unknown, scanDuplicates(bytes(text), JSON.parse(text)));

test('duplicate fields › paths as the strict decoder writes them, once each, in document order with the unknown fields', (t) => {
  t.deepEqual(errorsOf('{"a":1,"b":{"c":[{"d":1,"d":2,"d":3}],"c":[]},"a":2}'), ['duplicate field "b.c[0].d"', 'duplicate field "b.c"', 'duplicate field "a"']);
  t.deepEqual(errorsOf('{"metadata":{"labels":{"app":"x","app":"y"}}}'), ['duplicate field "metadata.labels.app"']);
  // The conformance test's body and words (test/e2e/apimachinery/field_validation.go).
  t.deepEqual(errorsOf('{"spec":{"unknownField":"foo","replicas":2,"replicas":3}}', ['spec.unknownField']), ['unknown field "spec.unknownField"', 'duplicate field "spec.replicas"']);
  t.deepEqual(errorsOf('{"spec":{"replicas":2,"replicas":3,"unknownField":"foo"}}', ['spec.unknownField']), ['duplicate field "spec.replicas"', 'unknown field "spec.unknownField"']);
  // Inside an unknown member nothing more is said; a duplicated unknown member is said once.
  t.deepEqual(errorsOf('{"x":{"y":1,"y":2},"x":{}}', ['x']), ['unknown field "x"']);
  // Strings that look like members count for nothing, escaped quotes and backslashes included.
  t.deepEqual(errorsOf('{"a":"b:\\"c\\":d","e":["f:g"]}'), []);
  t.deepEqual(errorsOf('{"a\\\\":"\\\\","b":"\\\\\\":","b":1}'), ['duplicate field "b"']);
});

test('duplicate fields › a repeated YAML key is named at its value\'s line, after the repeats inside that value, as go-yaml v2 does', (t) => {
  t.is(yamlDuplicateKeys('a: 1\na:\n  x: 1\n  x: 2\n'), 'yaml: unmarshal errors:\n  line 4: key "x" already set in map\n  line 3: key "a" already set in map');
  t.is(yamlDuplicateKeys('a:\n- 1\na:\n- 2\n'), 'yaml: unmarshal errors:\n  line 4: key "a" already set in map');
  t.is(yamlDuplicateKeys('a: 1\n1: x\n1: y\n'), 'yaml: unmarshal errors:\n  line 3: key 1 already set in map');
  t.is(yamlDuplicateKeys('a: 1\nb: 2\n'), undefined);
});

test('duplicate fields › property: a body without duplicates is never read twice; one with a duplicate is found', (t) => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const withoutDuplicates = fc.property(json, (value) => {
    const text = JSON.stringify(value);
    return scanDuplicates(bytes(text), JSON.parse(text)) === undefined;
  });
  const withOne = fc.property(fc.dictionary(fc.string(), json, { minKeys: 1 }), fc.string(), (obj, extra) => {
    const text = JSON.stringify(obj);
    const name = Object.keys(obj)[0];
    const doubled = `{${JSON.stringify(name)}:${JSON.stringify(extra)},${text.slice(1)}`;
    return errorsOf(doubled).includes(`duplicate field "${name}"`);
  });
  t.notThrows(() => fc.assert(withoutDuplicates, { seed: 20261122, numRuns: 300 }));
  t.notThrows(() => fc.assert(withOne, { seed: 20261122, numRuns: 300 }));
});

let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0 });
});
test.after.always(() => s?.close());

const service = (name: string) =>
  `{"apiVersion":"v1","kind":"Service","metadata":{"name":"${name}","labels":{"a":"1","a":"2"}},"spec":{"portz":1,"ports":[{"port":80,"port":81}],"ports":[{"port":82}]}}`;

test('duplicate fields › Strict refuses a create with a 400 naming them; Warn warns and keeps the last value; Ignore says nothing', async (t) => {
  const strict = await call(s, 'POST', '/api/v1/namespaces/default/services?fieldValidation=Strict', { body: service('dup-strict') });
  t.is(strict.status, 400);
  t.is(strict.json.message, 'Service in version "v1" cannot be handled as a Service: strict decoding error: duplicate field "metadata.labels.a", unknown field "spec.portz", duplicate field "spec.ports[0].port", duplicate field "spec.ports"');
  const warn = await call(s, 'POST', '/api/v1/namespaces/default/services', { body: service('dup-warn') });
  t.is(warn.status, 201, warn.text);
  t.is(warn.headers.warning, '299 - "duplicate field \\"metadata.labels.a\\"", 299 - "unknown field \\"spec.portz\\"", 299 - "duplicate field \\"spec.ports[0].port\\"", 299 - "duplicate field \\"spec.ports\\""');
  t.deepEqual(warn.json.metadata.labels, { a: '2' });
  t.is(warn.json.spec.ports[0].port, 82);
  const ignore = await call(s, 'POST', '/api/v1/namespaces/default/services?fieldValidation=Ignore', { body: service('dup-ignore') });
  t.is(ignore.status, 201);
  t.is(ignore.headers.warning, undefined);
});

test('duplicate fields › an update is checked as a create', async (t) => {
  const created = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup-update' } } });
  t.is(created.status, 201);
  const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup-update","resourceVersion":"${created.json.metadata.resourceVersion}"},"data":{"k":"1"},"data":{"k":"2"}}`;
  const strict = await call(s, 'PUT', '/api/v1/namespaces/default/configmaps/dup-update?fieldValidation=Strict', { body });
  t.is(strict.status, 400);
  t.is(strict.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data"');
  // Counted as sent: the server's own `metadata: {}` for a body without one hides nothing.
  const bare = await call(s, 'PUT', '/api/v1/namespaces/default/configmaps/dup-update?fieldValidation=Strict', { body: '{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1","a":"2"}}' });
  t.is(bare.status, 400);
  t.is(bare.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data.a"');
});

test('duplicate fields › a YAML body keeps a repeated key\'s last value; Strict refuses it in go-yaml\'s words, first', async (t) => {
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n  labels:\n    a: "1"\n    a: "2"\ndata:\n  k: v\ndatta: {}\n';
  const headers = { 'content-type': 'application/yaml' };
  const strict = await call(s, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { body: yaml.replace('NAME', 'yaml-strict'), headers });
  t.is(strict.status, 400);
  t.is(strict.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 7: key "a" already set in map, unknown field "datta"');
  const warn = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: yaml.replace('NAME', 'yaml-warn'), headers });
  t.is(warn.status, 201, warn.text);
  t.deepEqual(warn.json.metadata.labels, { a: '2' });
  // The repeated key's warning would span lines, which kube-apiserver drops: only the unknown field is said.
  t.is(warn.headers.warning, '299 - "unknown field \\"datta\\""');
});

test('duplicate fields › server-side apply: Strict refuses a repeated key, otherwise the last value is applied', async (t) => {
  const body = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-apply\ndata:\n  k: one\n  k: two\n';
  const headers = { 'content-type': 'application/apply-patch+yaml' };
  const strict = await call(s, 'PATCH', '/api/v1/namespaces/default/configmaps/yaml-apply?fieldManager=t&fieldValidation=Strict', { body, headers });
  t.is(strict.status, 400);
  t.is(strict.json.message, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "k" already set in map');
  const applied = await call(s, 'PATCH', '/api/v1/namespaces/default/configmaps/yaml-apply?fieldManager=t', { body, headers });
  t.is(applied.status, 201, applied.text);
  t.deepEqual(applied.json.data, { k: 'two' });
});

test('duplicate fields › a patch\'s own duplicates come before the patched object\'s unknown fields; a JSON patch\'s are `json patch …`', async (t) => {
  t.is((await call(s, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup-patch' } } })).status, 201);
  const path = '/api/v1/namespaces/default/configmaps/dup-patch';
  const merge = { 'content-type': 'application/merge-patch+json' };
  const strict = await call(s, 'PATCH', `${path}?fieldValidation=Strict`, { body: '{"data":{"k":"1","k":"2"},"datta":1}', headers: merge });
  t.is(strict.status, 422);
  t.regex(strict.json.message, /: strict decoding error: duplicate field "data\.k", unknown field "datta"$/);
  const warn = await call(s, 'PATCH', path, { body: '{"data":{"k":"1","k":"2"}}', headers: merge });
  t.is(warn.status, 200);
  t.is(warn.headers.warning, '299 - "duplicate field \\"data.k\\""');
  t.deepEqual(warn.json.data, { k: '2' });
  const jsonPatch = await call(s, 'PATCH', `${path}?fieldValidation=Strict`, { body: '[{"op":"add","path":"/data/j","value":"v","valu":"w","op":"add"}]', headers: { 'content-type': 'application/json-patch+json' } });
  t.is(jsonPatch.status, 422);
  t.regex(jsonPatch.json.message, /: strict decoding error: json patch unknown field "\[0\]\.valu", json patch duplicate field "\[0\]\.op"$/);
  const ignored = await call(s, 'PATCH', `${path}?fieldValidation=Ignore`, { body: '{"data":{"k":"3","k":"4"}}', headers: merge });
  t.is(ignored.status, 200);
  t.is(ignored.headers.warning, undefined);
});
