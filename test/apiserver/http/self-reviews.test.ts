import test from 'ava';
import { startApiServer, type ApiServerHandle } from '../../../apiserver/index.js';
import { REQUESTER } from '../../../apiserver/http/self-reviews.js';
import { encodeKubernetesProtobuf } from '../../helpers/protobuf-encode.js';
import { call } from './api-client.js';

let s: ApiServerHandle;
test.before(async () => {
  s = await startApiServer({ port: 0 });
});
test.after.always(() => s?.close());

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SSRR = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const SSR = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const ssar = (spec: object, metadata: object = {}) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata, spec });

test('self-reviews › an access review is allowed and answered with the request, its managedFields and status (201)', async (t) => {
  const body = ssar({ resourceAttributes: { namespace: 'default', verb: 'create', group: '', resource: 'pods' } });
  const a = await call(s, 'POST', SSAR, { body: { ...body, status: { allowed: false } }, headers: { 'user-agent': 'curl/8.5.0' } });
  t.is(a.status, 201, a.text);
  // Go's omitempty drops the empty group; the status is the server's, whatever was sent.
  t.deepEqual(a.json.spec, { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } });
  t.deepEqual(a.json.status, { allowed: true });
  t.is(a.json.metadata.creationTimestamp, null);
  t.like(a.json.metadata.managedFields[0], { manager: 'curl', operation: 'Update', apiVersion: 'authorization.k8s.io/v1', fieldsType: 'FieldsV1' });
  t.deepEqual(a.json.metadata.managedFields[0].fieldsV1, { 'f:spec': { 'f:resourceAttributes': { '.': {}, 'f:namespace': {}, 'f:resource': {}, 'f:verb': {} } } });
  // Nothing is stored: there is no object to read and nothing to list.
  t.is((await call(s, 'GET', SSAR)).status, 405);
});

test('self-reviews › a non-resource access review, sent as protobuf as kubectl sends it', async (t) => {
  const a = await call(s, 'POST', SSAR, {
    body: encodeKubernetesProtobuf(ssar({ nonResourceAttributes: { path: '/healthz', verb: 'get' } })),
    headers: { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/vnd.kubernetes.protobuf,application/json' },
  });
  t.is(a.status, 201, a.text);
  t.deepEqual(a.json.spec, { nonResourceAttributes: { path: '/healthz', verb: 'get' } });
  t.true(a.json.status.allowed);
  // No User-Agent and no fieldManager: no manager to record.
  t.is(a.json.metadata.managedFields, undefined);
});

test('self-reviews › access review validation: 422 with an empty kind, in ValidateSelfSubjectAccessReview’s words', async (t) => {
  const none = await call(s, 'POST', SSAR, { body: ssar({}) });
  t.is(none.status, 422);
  t.is(none.json.message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  t.like(none.json.details, { name: '', kind: '', group: 'authorization.k8s.io' });

  const both = await call(s, 'POST', SSAR, { body: ssar({ resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } }, { name: 'x' }) });
  t.is(both.status, 422);
  const [first, second] = both.json.details.causes;
  t.deepEqual(first, { reason: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', message: 'Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes' });
  t.is(second.field, 'metadata');
  t.true(second.message.startsWith('Invalid value: v1.ObjectMeta{Name:"x", GenerateName:"", Namespace:""'), second.message);
  t.true(second.message.endsWith('ManagedFields:[]v1.ManagedFieldsEntry(nil)}: must be empty'), second.message);

  const selectors = await call(s, 'POST', SSAR, {
    body: ssar({
      resourceAttributes: {
        verb: 'list',
        resource: 'pods',
        labelSelector: { rawSelector: 'a=b', requirements: [{ key: 'bad key', operator: 'In' }, { key: 'x', operator: 'Exists', values: ['y'] }, { key: 'z', operator: 'Near', values: ['not valid!'] }] },
        fieldSelector: {},
      },
    }),
  });
  t.is(selectors.status, 422);
  t.deepEqual(selectors.json.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`), [
    'spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required',
    'spec.resourceAttributes.labelSelector.rawSelector: Invalid value: "a=b": may not specified at the same time as requirements',
    "spec.resourceAttributes.labelSelector.requirements[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: "bad key": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
    "spec.resourceAttributes.labelSelector.requirements[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    // An unknown operator is allowed (a newer client's); its values are still label values.
    'spec.resourceAttributes.labelSelector.requirements[2].values[0]: Invalid value: "not valid!": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
  ]);
  const fieldKey = await call(s, 'POST', SSAR, { body: ssar({ resourceAttributes: { verb: 'list', fieldSelector: { requirements: [{ operator: 'In', values: ['a'] }] } } }) });
  t.is(fieldKey.json.details.causes[0].message, 'Required value: must be specified');
});

test('self-reviews › a rules review lists what RBAC gives system:masters and system:authenticated; it needs a namespace', async (t) => {
  const a = await call(s, 'POST', SSRR, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } } });
  t.is(a.status, 201, a.text);
  t.deepEqual(a.json.spec, {});
  t.false(a.json.status.incomplete);
  t.deepEqual(a.json.status.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
  t.deepEqual(a.json.status.nonResourceRules[0], { verbs: ['*'], nonResourceURLs: ['*'] });
  t.true(a.json.status.resourceRules.some((r: { resources?: string[] }) => r.resources?.includes('selfsubjectreviews')));
  const none = await call(s, 'POST', SSRR, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {} } });
  t.is(none.status, 400);
  t.is(none.json.message, 'no namespace on request');
});

test('self-reviews › a self subject review names the token’s holder, stamped now', async (t) => {
  const a = await call(s, 'POST', SSR, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  t.is(a.status, 201, a.text);
  t.deepEqual(a.json.status, { userInfo: { username: REQUESTER.username, groups: ['system:masters', 'system:authenticated'] } });
  t.true(Math.abs(Date.parse(a.json.metadata.creationTimestamp) - Date.now()) < 5000);
  // Without the token: 401, as for every resource.
  t.is((await call(s, 'POST', SSR, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, token: null })).status, 401);
});

test('self-reviews › create only: other verbs 405, names and watches 404, unknown fields by fieldValidation, wrong kinds 400', async (t) => {
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) t.is((await call(s, method, SSR, { body: {} })).status, 405, method);
  t.is((await call(s, 'POST', `${SSR}/x`, { body: {} })).status, 404);
  t.is((await call(s, 'GET', '/apis/authentication.k8s.io/v1/watch/selfsubjectreviews')).status, 404);
  const strict = await call(s, 'POST', `${SSR}?fieldValidation=Strict`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', spec: {} } });
  t.is(strict.status, 400);
  t.is(strict.json.message, 'SelfSubjectReview in version "v1" cannot be handled as a SelfSubjectReview: strict decoding error: unknown field "spec"');
  const warned = await call(s, 'POST', SSR, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', spec: {} } });
  t.is(warned.status, 201);
  t.is(warned.headers.warning, '299 - "unknown field \\"spec\\""');
  const wrongKind = await call(s, 'POST', SSAR, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: {} } });
  t.is(wrongKind.status, 400);
  t.is(wrongKind.json.message, 'SubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: converting (v1.SubjectAccessReview) to (authorization.SelfSubjectAccessReview): unknown conversion');
});

test('self-reviews › discovery lists the reviews with the create verb alone', async (t) => {
  const authn = await call(s, 'GET', '/apis/authentication.k8s.io/v1');
  t.deepEqual(authn.json.resources, [{ name: 'selfsubjectreviews', singularName: 'selfsubjectreview', namespaced: false, kind: 'SelfSubjectReview', verbs: ['create'] }]);
  const groups = await call(s, 'GET', '/apis');
  const names = groups.json.groups.map((g: { name: string }) => g.name);
  t.true(names.includes('authorization.k8s.io') && names.includes('authentication.k8s.io'));
});
