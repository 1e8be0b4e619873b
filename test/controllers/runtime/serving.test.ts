import test from 'ava';
import { createRuntimeMetrics } from '../../../controllers/runtime/metrics.js';
import { parseBindAddress, serveEndpoints } from '../../../controllers/runtime/serving.js';

test('parseBindAddress › host:port, [ipv6]:port, :port and port 0; bad values name the flag', (t) => {
  t.deepEqual(parseBindAddress('--metrics-bind-address', '127.0.0.1:10257'), { host: '127.0.0.1', port: 10257 });
  t.deepEqual(parseBindAddress('--metrics-bind-address', '[::1]:0'), { host: '::1', port: 0 });
  t.deepEqual(parseBindAddress('--health-probe-bind-address', ':8081'), { host: '0.0.0.0', port: 8081 });
  for (const bad of ['127.0.0.1', '127.0.0.1:70000', 'x:y', '']) {
    t.throws(() => parseBindAddress('--metrics-bind-address', bad), { instanceOf: RangeError, message: new RegExp(`--metrics-bind-address "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`) });
  }
});

test('serveEndpoints › port 0 binds a free port; /metrics, /healthz and /readyz answer from their sources', async (t) => {
  const m = createRuntimeMetrics({ processMetrics: false });
  const host = '10.0.0.1:6443';
  m.observeRequest({ verb: 'get', resource: 'services', method: 'GET', host, code: 200, seconds: 0.01 });
  m.observeRequest({ verb: 'get', resource: 'services', method: 'GET', host, code: 200, seconds: 0.02 });
  m.observeRequest({ verb: 'watch', resource: 'pods', method: 'GET', host, code: 0, seconds: 1 });
  m.observeRequest({ verb: 'update', resource: 'services', method: 'PUT', host, code: 409, seconds: 0.01 });
  m.countRelist('pods');
  m.setLeader('svcplane', true);
  let ready = false;
  const h = await serveEndpoints({ host: '127.0.0.1', port: 0 }, { registry: m.registry, health: { healthy: () => true, ready: () => ready } });
  try {
    t.regex(h.address, /^127\.0\.0\.1:\d+$/);
    t.not(h.address, '127.0.0.1:0');
    const base = `http://${h.address}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // client-go's labels (code, method, host; <error> when no answer came), then svcplane's.
    t.regex(metrics, /^# HELP rest_client_requests_total Number of HTTP requests, partitioned by status code, method, and host\.$/m);
    t.regex(metrics, /rest_client_requests_total\{code="200",method="GET",host="10\.0\.0\.1:6443",verb="get",resource="services"\} 2/);
    t.regex(metrics, /rest_client_requests_total\{code="<error>",method="GET",host="10\.0\.0\.1:6443",verb="watch",resource="pods"\} 1/);
    t.regex(metrics, /rest_client_requests_total\{code="409",method="PUT",host="10\.0\.0\.1:6443",verb="update",resource="services"\} 1/);
    // client-go's latency: `verb` is the HTTP method.
    t.regex(metrics, /rest_client_request_duration_seconds_count\{verb="GET",host="10\.0\.0\.1:6443"\} 3/);
    t.regex(metrics, /rest_client_request_duration_seconds_count\{verb="PUT",host="10\.0\.0\.1:6443"\} 1/);
    t.regex(metrics, /svcplane_informer_relists_total\{resource="pods"\} 1/);
    t.regex(metrics, /leader_election_master_status\{name="svcplane"\} 1/);
    t.is((await fetch(`${base}/healthz`)).status, 200);
    t.is((await fetch(`${base}/readyz`)).status, 500);
    ready = true;
    const r = await fetch(`${base}/readyz`);
    t.is(r.status, 200);
    t.is(await r.text(), 'ok');
    t.is((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await h.close();
  }
});

test('serveEndpoints › a port already in use is an error, not a crash', async (t) => {
  const a = await serveEndpoints({ host: '127.0.0.1', port: 0 }, {});
  try {
    const port = Number(a.address.split(':')[1]);
    await t.throwsAsync(serveEndpoints({ host: '127.0.0.1', port }, {}), { code: 'EADDRINUSE' } as never);
  } finally {
    await a.close();
  }
});
