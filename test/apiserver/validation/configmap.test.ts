import test from 'ava';
import type { ConfigMap } from '../../../api-types/core.js';
import { type Case, runPipeline, tableTest } from './table.js';

const v = (field: string) => ({ field, reason: 'FieldValueInvalid' });
const cm = (data: Record<string, string>, extra: Partial<ConfigMap> = {}): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data, ...extra });

tableTest('configmap validation', '', 'configmaps', [
  { name: 'accepts valid keys', obj: cm({ 'app.properties': 'a=b', KEY_NAME: 'x', 'key-name': 'y' }), wantCauses: [] },
  { name: 'rejects keys with slashes, ".." and a key in both maps', obj: cm({ 'a/b': '1', '..x': '2', dup: '3' }, { binaryData: { dup: 'AA==' } }), wantCauses: [v('data[a/b]'), v('data[..x]'), v('data[dup]')] },
  { name: 'rejects more than 1 MiB of data', obj: cm({ big: 'x'.repeat(1024 * 1024 + 1) }), wantCauses: [{ field: '', reason: 'FieldValueTooLong' }] },
  { name: 'forbids changing an immutable ConfigMap', old: cm({ a: '1' }, { immutable: true }), obj: cm({ a: '2' }), wantCauses: [{ field: 'immutable', reason: 'FieldValueForbidden' }, { field: 'data', reason: 'FieldValueForbidden' }] },
  { name: 'allows changing a mutable ConfigMap', old: cm({ a: '1' }), obj: cm({ a: '2' }), wantCauses: [] },
] satisfies Case[]);

test('configmap validation › key message names the rule', (t) => {
  const [cause] = runPipeline('', 'configmaps', cm({ 'a/b': '1' }));
  t.is(cause.message, `Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`);
});
