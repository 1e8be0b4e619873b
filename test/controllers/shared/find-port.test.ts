import test from 'ava';
import type { Pod, ServicePort } from '../../../api-types/core.js';
import { findPort } from '../../../controllers/shared/find-port.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

const pod: Pod = deepFreeze({
  metadata: { name: 'p' },
  spec: {
    containers: [
      { name: 'a', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' as const }] },
      { name: 'b', ports: [{ name: 'metrics', containerPort: 9090 }] },
    ],
    initContainers: [{ name: 'proxy', restartPolicy: 'Always' as const, ports: [{ name: 'admin', containerPort: 9901 }] }],
  },
});

const rows: [string, ServicePort, Pod, number | undefined][] = [
  ['a numeric targetPort is used as given', { port: 80, targetPort: 8443 }, pod, 8443],
  ['no targetPort defaults to port', { port: 80 }, pod, 80],
  ['a name in the first container', { port: 80, targetPort: 'http' }, pod, 8080],
  ['a name in another container', { port: 80, targetPort: 'metrics', protocol: 'TCP' }, pod, 9090],
  ['a name with the matching protocol', { port: 53, targetPort: 'dns', protocol: 'UDP' }, pod, 5353],
  ['a name with another protocol does not match', { port: 53, targetPort: 'dns', protocol: 'TCP' }, pod, undefined],
  ['a name on a sidecar init container', { port: 1, targetPort: 'admin' }, pod, 9901],
  ['an unknown name', { port: 1, targetPort: 'nope' }, pod, undefined],
  ['a pod without spec', { port: 1, targetPort: 'http' }, deepFreeze({ metadata: { name: 'q' } }), undefined],
];
for (const [name, sp, p, want] of rows) {
  test(`findPort › ${name}`, (t) => {
    t.is(findPort(p, sp), want);
  });
}

test('findPort › a non-sidecar init container is not searched', (t) => {
  const p: Pod = deepFreeze({ metadata: { name: 'p' }, spec: { containers: [], initContainers: [{ name: 'init', ports: [{ name: 'x', containerPort: 1 }] }] } });
  t.is(findPort(p, { port: 1, targetPort: 'x' }), undefined);
});
