import test from 'ava';
import { main } from '../../cmd/svcplane.js';

for (const [args, needle] of [
  [['envtest', '--port', 'abc'], /--port.*'abc'/],
  [['envtest', '--port', '70000'], /--port.*'70000'/],
  [['envtest', '--bogus'], /unknown option '--bogus'/],
  [['envtest', '--log-level', 'loud'], /--log-level.*'loud'/],
  [['nope'], /unknown command 'nope'/],
  [[], /Usage: svcplane/],
] as const) {
  test(`svcplane › "${args.join(' ')}" is a usage error (2) naming the problem`, async (t) => {
    let out = '';
    let err = '';
    const code = await main(['node', 'svcplane', ...args], { writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
    t.is(code, 2);
    t.regex(err, needle);
    t.is(out, '');
  });
}

test('svcplane › --help exits 0 and lists the flags', async (t) => {
  let out = '';
  t.is(await main(['node', 'svcplane', 'envtest', '--help'], { writeOut: (s) => (out += s), writeErr: () => {} }), 0);
  t.regex(out, /--kubeconfig-out/);
  t.regex(out, /--enable-fault-injection/);
});
