import test from 'ava';
import { runSvcplane } from '../helpers/svcplane-process.js';

// What `npm start` runs (package.json), on free ports so it can run beside other tests.
const startArgs = ['dev', '--simulate-pods', '--examples', 'manifests/examples', '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0', '--port', '0'];

test('npm start › reaches its summary with every example Service allocated and its endpoints ready', async (t) => {
  const r = runSvcplane(startArgs);
  t.teardown(() => r.child.kill('SIGKILL'));
  const deadline = Date.now() + 150_000;
  while (!r.stdout().includes('Try (in another terminal)')) {
    if (Date.now() > deadline || r.child.exitCode !== null) throw new Error(`no summary; stderr tail: ${r.stderr().slice(-2000)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  const out = r.stdout();
  t.regex(out, /^KUBECONFIG=\S+$/m);
  t.notRegex(r.stderr(), /examples not settled in time/);
  const row = (name: string) => out.split('\n').find((l) => new RegExp(`^\\s+default\\s+${name}\\s`).test(l)) ?? '';
  t.regex(row('big'), /ClusterIP\s+10\.\d+\.\d+\.\d+\s+-\s+250\s+0\s+100 100 50/);
  t.regex(row('db'), /None\s+-\s+3\s+0/);
  t.regex(row('shop'), /NodePort\s+10\.\d+\.\d+\.\d+\s+30080,3\d{4}\s+2\s+0/);
  t.regex(row('web'), /ClusterIP\s+10\.\d+\.\d+\.\d+\s+-\s+3\s+0/);
  t.regex(row('legacy-db'), /\s2\s+0\s+2/, 'the selectorless Service is mirrored');
  t.regex(out, /kubectl get services,endpointslices/);
  r.child.kill('SIGTERM');
  t.is(await r.exit, 0);
});
