import test from 'ava';
import fc from 'fast-check';
import {
  isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum, nameIsDNSSubdomain,
} from '../../../apiserver/validation/names.js';

const table: [string, (s: string) => string[], string, boolean][] = [
  ['dns-1123 label', isDNS1123Label, 'my-name', true],
  ['dns-1123 label', isDNS1123Label, '123-abc', true],
  ['dns-1123 label', isDNS1123Label, 'My-name', false],
  ['dns-1123 label', isDNS1123Label, 'a.b', false],
  ['dns-1123 label', isDNS1123Label, 'a'.repeat(64), false],
  ['dns-1123 subdomain', isDNS1123Subdomain, 'example.com', true],
  ['dns-1123 subdomain', isDNS1123Subdomain, 'example..com', false],
  ['dns-1123 subdomain', isDNS1123Subdomain, 'a'.repeat(254), false],
  ['dns-1035 label', isDNS1035Label, 'abc-123', true],
  ['dns-1035 label', isDNS1035Label, '1abc', false],
  ['qualified name', isQualifiedName, 'example.com/MyName', true],
  ['qualified name', isQualifiedName, 'my.name', true],
  ['qualified name', isQualifiedName, '/name', false],
  ['qualified name', isQualifiedName, 'a/b/c', false],
  ['qualified name', isQualifiedName, 'Bad_Prefix/x', false],
  ['label value', isValidLabelValue, '', true],
  ['label value', isValidLabelValue, 'my_value', true],
  ['label value', isValidLabelValue, '_x', false],
  ['port name', isValidPortName, 'http-alt', true],
  ['port name', isValidPortName, '8080', false],
  ['port name', isValidPortName, 'a--b', false],
  ['port name', isValidPortName, '-ab', false],
  ['port name', isValidPortName, 'abcdefghijklmnop', false],
  ['configmap key', isConfigMapKey, 'KEY_NAME', true],
  ['configmap key', isConfigMapKey, '..', false],
];
for (const [unit, fn, value, ok] of table) {
  test(`names › ${unit} ${ok ? 'accepts' : 'rejects'} ${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)}`, (t) => {
    t.is(fn(value).length === 0, ok, fn(value).join('; '));
  });
}

test('names › messages are Kubernetes\' words', (t) => {
  t.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  t.deepEqual(isDNS1123Label('A'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  t.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
  t.deepEqual(isValidPortName('8080'), ['must contain at least one letter (a-z)']);
});

test('names › a generateName prefix may end in a dash', (t) => {
  t.deepEqual(nameIsDNSSubdomain('web-', true), []);
  t.not(nameIsDNSSubdomain('web-', false).length, 0);
});

test('names › every string of [a-z0-9] of length 1–63 starting and ending alphanumeric is a label', (t) => {
  fc.assert(fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/), (s) => isDNS1123Label(s).length === 0 && isDNS1123Subdomain(s).length === 0), { numRuns: 1000 });
  t.notThrows(() => fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 80 }), (s) => {
    const ok = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) && s.length <= 63;
    return (isDNS1123Label(s).length === 0) === ok;
  }), { numRuns: 1000 }));
});

test('names › isQualifiedName accepts exactly [prefix/]name with a DNS-subdomain prefix and a 63-character name', (t) => {
  const name = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
  const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const reference = (s: string): boolean => {
    const parts = s.split('/');
    if (parts.length > 2) return false;
    const [head, tail] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (head !== undefined && (head.length === 0 || head.length > 253 || !subdomain.test(head))) return false;
    return tail.length > 0 && tail.length <= 63 && name.test(tail);
  };
  const key = fc.array(fc.constantFrom('a', 'Z', '0', '-', '_', '.', '/', 'example.com/', 'k8s.io/'), { maxLength: 24 }).map((a) => a.join(''));
  t.notThrows(() => fc.assert(fc.property(fc.oneof(key, fc.string({ maxLength: 80 })), (s) => (isQualifiedName(s).length === 0) === reference(s)), { numRuns: 5000 }));
  t.deepEqual(isQualifiedName(`${'a'.repeat(64)}`), ['name part must be no more than 63 characters']);
});
