import test from 'ava';
import fc from 'fast-check';
import type { KubeObject } from '../../api-types/meta.js';
import { parseFieldSelector } from '../../apiserver/field-selectors.js';
import { resourceFor } from '../../apiserver/resources.js';
import { SelectorError, parseLabelSelector } from '../../apiserver/selectors.js';

const matchCases: { selector: string; labels: Record<string, string> | undefined; want: boolean }[] = [
  { selector: '', labels: undefined, want: true },
  { selector: 'a=b', labels: { a: 'b' }, want: true },
  { selector: 'a==b', labels: { a: 'c' }, want: false },
  { selector: 'a!=b', labels: {}, want: true },
  { selector: 'a!=b', labels: { a: 'b' }, want: false },
  { selector: 'a in (b, c)', labels: { a: 'c' }, want: true },
  { selector: 'a in (b,c)', labels: {}, want: false },
  { selector: 'a notin (b,c)', labels: {}, want: true },
  { selector: 'a notin (b,c)', labels: { a: 'b' }, want: false },
  { selector: 'a', labels: { a: '' }, want: true },
  { selector: '!a', labels: { a: '' }, want: false },
  { selector: '!a', labels: { b: 'x' }, want: true },
  { selector: 'a>5', labels: { a: '6' }, want: true },
  { selector: 'a>5', labels: { a: 'x' }, want: false },
  { selector: 'a<5', labels: { a: '5' }, want: false },
  { selector: 'a=', labels: { a: '' }, want: true },
  { selector: 'example.com/app=web,tier notin (db)', labels: { 'example.com/app': 'web' }, want: true },
  { selector: 'a=b,c=d', labels: { a: 'b' }, want: false },
];
for (const c of matchCases) {
  test(`parseLabelSelector › "${c.selector}" on ${JSON.stringify(c.labels)} → ${c.want}`, (t) => {
    t.is(parseLabelSelector(c.selector).matches(c.labels), c.want);
  });
}

const badLabelSelectors = ['a in b', 'a in (b', '=b', 'a b', 'a,', 'a>b', 'bad key!=x', 'a=b c', `a=${'x'.repeat(64)}`, 'a=-x', 'Foo/bar=x', 'a in ()x', 'a notin'];
for (const sel of badLabelSelectors) {
  test(`parseLabelSelector › rejects "${sel.slice(0, 30)}" with InvalidLabelSelector`, (t) => {
    const err = t.throws(() => parseLabelSelector(sel), { instanceOf: SelectorError }) as SelectorError;
    t.is(err.code, 'InvalidLabelSelector');
  });
}

test('parseLabelSelector › any valid key=value pair selects exactly the objects carrying it', (t) => {
  const name = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/);
  t.notThrows(() => fc.assert(
    fc.property(name, name, fc.dictionary(name, name), (k, v, labels) => {
      const sel = parseLabelSelector(`${k}=${v}`);
      const neg = parseLabelSelector(`${k}!=${v}`);
      return sel.matches(labels) === (labels[k] === v) && neg.matches(labels) === !sel.matches(labels);
    }),
    { numRuns: 1000 },
  ));
});

const pods = resourceFor('', 'pods');
const configmaps = resourceFor('', 'configmaps');
const coreEvents = resourceFor('', 'events');
const v1Events = resourceFor('events.k8s.io', 'events');
const namespaces = resourceFor('', 'namespaces');

const pod: KubeObject = {
  metadata: { name: 'p', namespace: 'ns' },
  spec: { nodeName: 'n1', restartPolicy: 'Always', hostNetwork: true },
  status: { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] },
};

const fieldCases: { name: string; r: typeof pods; selector: string; obj: KubeObject; want: boolean }[] = [
  { name: 'pod node', r: pods, selector: 'spec.nodeName=n1', obj: pod, want: true },
  { name: 'pod phase and ==', r: pods, selector: 'status.phase==Running,metadata.namespace=ns', obj: pod, want: true },
  { name: 'pod podIP is the first IP', r: pods, selector: 'status.podIP=10.0.0.1', obj: pod, want: true },
  { name: 'pod hostNetwork string', r: pods, selector: 'spec.hostNetwork=true', obj: pod, want: true },
  { name: 'pod != absent field', r: pods, selector: 'status.nominatedNodeName!=x', obj: pod, want: true },
  { name: 'escaped comma value', r: configmaps, selector: 'metadata.name=a\\,b', obj: { metadata: { name: 'a,b' } }, want: true },
  { name: 'core event involvedObject', r: coreEvents, selector: 'involvedObject.kind=Pod,involvedObject.name=p,source=kubelet', obj: { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, source: { component: 'kubelet' } }, want: true },
  { name: 'events.k8s.io regarding', r: v1Events, selector: 'regarding.name=p,reportingController=me', obj: { metadata: { name: 'e' }, regarding: { name: 'p' }, reportingController: 'me' }, want: true },
  { name: 'namespace phase', r: namespaces, selector: 'status.phase=Terminating', obj: { metadata: { name: 'x' }, status: { phase: 'Active' } }, want: false },
];
for (const c of fieldCases) {
  test(`parseFieldSelector › ${c.name}`, (t) => {
    t.is(parseFieldSelector(c.r, c.selector).matches(c.obj), c.want);
  });
}

const fieldErrors: { r: typeof pods; selector: string; code: SelectorError['code']; message?: string }[] = [
  { r: pods, selector: 'spec.containers=x', code: 'UnsupportedFieldLabel', message: 'field label not supported: spec.containers' },
  { r: configmaps, selector: 'data.x=y', code: 'UnsupportedFieldLabel', message: '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"' },
  { r: namespaces, selector: 'metadata.namespace=x', code: 'UnsupportedFieldLabel', message: 'field label not supported: metadata.namespace' },
  { r: v1Events, selector: 'involvedObject.name=x', code: 'UnsupportedFieldLabel', message: 'field label not supported: involvedObject.name' },
  { r: pods, selector: 'spec.nodeName', code: 'InvalidFieldSelector' },
  { r: pods, selector: 'spec.nodeName=a\\x', code: 'InvalidFieldSelector' },
];
for (const c of fieldErrors) {
  test(`parseFieldSelector › rejects ${c.r.group || 'core'}/${c.r.resource} "${c.selector}"`, (t) => {
    const err = t.throws(() => parseFieldSelector(c.r, c.selector), { instanceOf: SelectorError }) as SelectorError;
    t.is(err.code, c.code);
    if (c.message) t.is(err.message, c.message);
  });
}
