import test from 'ava';
import { Command } from 'commander';
import { addControllerFlags, type ControllerFlags, parseControllers } from '../../cmd/flags.js';
import { controllerFactories } from '../../cmd/suite.js';
import { main } from '../../cmd/svcplane.js';

for (const [args, needle] of [
  [['envtest', '--port', 'abc'], /--port.*'abc'/],
  [['envtest', '--port', '70000'], /--port.*'70000'/],
  [['envtest', '--bogus'], /unknown option '--bogus'/],
  [['envtest', '--log-level', 'loud'], /--log-level.*'loud'/],
  [['envtest', '--service-cluster-ip-range', '10.0.0.1/24'], /--service-cluster-ip-range.*'10\.0\.0\.1\/24'.*should be 10\.0\.0\.0\/24/],
  [['envtest', '--service-cluster-ip-range', '10.0.0.0/30'], /--service-cluster-ip-range.*must be at least 8 IP addresses/],
  [['envtest', '--service-cluster-ip-range', '10.0.0.0/24,10.1.0.0/24'], /--service-cluster-ip-range.*must be of different IP family/],
  [['envtest', '--host', '127.0.0.1', '--service-cluster-ip-range', 'fd00::/108'], /--host and --service-cluster-ip-range: service IP family "fd00::\/108" must match public address family "\d+\.\d+\.\d+\.\d+"/],
  [['envtest', '--advertise-address', 'fd00::1'], /--advertise-address and --service-cluster-ip-range: service IP family "10\.96\.0\.0\/12" must match public address family "fd00::1"/],
  [['envtest', '--advertise-address', 'localhost'], /--advertise-address.*'localhost'.*must be a valid IP address/],
  [['envtest', '--host', 'localhost'], /--host.*'localhost'.*must be a valid IP address/],
  [['dev', '--host', '127.0.0.1', '--service-cluster-ip-range', 'fd00::/108'], /--host and --service-cluster-ip-range: service IP family "fd00::\/108" must match public address family "\d+\.\d+\.\d+\.\d+"/],
  [['dev', '--service-cluster-ip-range', '10.96.0.0/30'], /--service-cluster-ip-range\[0\] "10\.96\.0\.0\/30".*must be at least 8 IP addresses/],
  [['dev', '--service-cluster-ip-range', 'fd00::/108', '--advertise-address', '192.0.2.1'], /--advertise-address and --service-cluster-ip-range: .*must match public address family "192\.0\.2\.1"/],
  [['run', '--concurrent-serviceip-syncs', '0'], /--concurrent-serviceip-syncs.*'0'/],
  [['run', '--metrics-bind-address', 'nonsense'], /--metrics-bind-address.*'nonsense'.*expected host:port/],
  [['run', '--leader-elect-lease-duration', '5s', '--leader-elect-renew-deadline', '10s'], /--leader-elect-lease-duration \(5000ms\) must be greater than --leader-elect-renew-deadline \(10000ms\)/],
  [['run', '--leader-elect-retry-period', '0'], /--leader-elect-retry-period must be positive/],
  [['run', '--kubeconfig', '/nonexistent/kubeconfig'], /--kubeconfig \/nonexistent\/kubeconfig: no such file/],
  [['dev', '--health-probe-bind-address', '127.0.0.1:99999'], /--health-probe-bind-address.*'127\.0\.0\.1:99999'/],
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

test('svcplane › run --help lists --concurrent-serviceip-syncs with its default', async (t) => {
  let out = '';
  t.is(await main(['node', 'svcplane', 'run', '--help'], { writeOut: (s) => (out += s), writeErr: () => {} }), 0);
  t.regex(out, /--concurrent-serviceip-syncs <n>\s+ClusterIP controller workers[^\n]*\(default: 50\)/);
});

test('svcplane › the serviceip controller gets its worker count from --concurrent-serviceip-syncs', (t) => {
  const flags = { serviceClusterIpRange: '10.96.0.0/16', allocatorRepairInterval: 180_000, allocatorLeakGracePeriod: 60_000 } as ControllerFlags;
  t.truthy(controllerFactories.serviceip!({ ...flags, concurrentServiceipSyncs: 50 }));
  t.throws(() => controllerFactories.serviceip!({ ...flags, concurrentServiceipSyncs: 0 }), { instanceOf: RangeError, message: /--concurrent-serviceip-syncs.*0/ });
});

test('svcplane › --controllers takes kube-controller-manager\'s names for the endpoint controllers, its aliases and its canonical ones', (t) => {
  t.deepEqual([...parseControllers('*,-endpoint,-endpointslice,-endpointslicemirroring')].sort(), ['nodeport', 'servicecidrs', 'serviceip']);
  t.deepEqual([...parseControllers('endpoints-controller,endpointslice-controller,endpointslice-mirroring-controller')].sort(), ['endpoints', 'endpointslice', 'endpointslicemirroring']);
  t.throws(() => parseControllers('-endpointz'), { message: /"endpointz" is not a known controller/ });
});

test('svcplane › --controllers: `*` and the default run servicecidrs, which also answers to kube-controller-manager\'s name', (t) => {
  t.deepEqual([...parseControllers('*')].sort(), ['endpoints', 'endpointslice', 'endpointslicemirroring', 'nodeport', 'servicecidrs', 'serviceip']);
  t.deepEqual([...parseControllers('*,-service-cidr-controller')].sort(), ['endpoints', 'endpointslice', 'endpointslicemirroring', 'nodeport', 'serviceip']);
  t.deepEqual([...parseControllers('service-cidr-controller')], ['servicecidrs']);
  t.deepEqual([...parseControllers('servicecidrs,-service-cidr-controller')], []);
  t.throws(() => parseControllers('service-cidrs-controller'), { message: /"service-cidrs-controller" is not a known controller; known controllers: .*servicecidrs.*service-cidr-controller/ });
  const flags = (args: string[]) => addControllerFlags(new Command()).exitOverride().parse(args, { from: 'user' }).opts<ControllerFlags>().controllers;
  t.true(flags([]).has('servicecidrs'), 'on when --controllers is not given (svcplane dev, svcplane run)');
  t.false(flags(['--controllers=*,-servicecidrs']).has('servicecidrs'));
  t.truthy(controllerFactories.servicecidrs!({} as ControllerFlags));
});

test('svcplane › --help exits 0 and lists the flags', async (t) => {
  let out = '';
  t.is(await main(['node', 'svcplane', 'envtest', '--help'], { writeOut: (s) => (out += s), writeErr: () => {} }), 0);
  t.regex(out, /--kubeconfig-out/);
  t.regex(out, /--enable-fault-injection/);
});
