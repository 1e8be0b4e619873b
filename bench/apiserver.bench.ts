/**
 * The API server's HTTP write throughput: creates/s and updates/s of ~5 KB Pods over keep-alive
 * HTTP with bounded concurrency while 10 watchers (in a child process) stream every pod event, as
 * a ratio against a bare node:http server in the same run that only parses and re-serialises the
 * same bodies (same client, same count). A second pair of figures sends a User-Agent, as kubectl
 * and client-node do: the server then records managedFields on every write, the client sends them
 * back in its updates (about 3 KB more per body), and that pair's baseline run is sent the very
 * same update bodies. Loopback only; every loop is bounded.
 */
import { spawn } from 'node:child_process';
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startApiServer } from '../apiserver/index.js';
import { MemoryStore } from '../apiserver/store.js';
import { resourceFor } from '../apiserver/resources.js';
import type { KubeObject } from '../api-types/meta.js';
import { atLeast, findGc, median, type Report, drive } from './harness.js';

const COUNT = 2000;
const CONCURRENCY = 16;
const WATCHERS = 10;
const REPS = Number(process.env.BENCH_REPS ?? 5);
/** What kubectl sends (the field manager defaults from it, so every write records managedFields). */
const USER_AGENT = 'kubectl/v1.33.0 (linux/amd64) kubernetes/abcdef0';

interface Target {
  url: string;
  token: string;
  /** Sent as User-Agent when set. */
  userAgent?: string;
}

/** A Pod of about 5 KB of JSON. */
function pod(name: string): Record<string, unknown> {
  const env = Array.from({ length: 40 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}-${'x'.repeat(60)}` }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'bench', tier: 'web' }, annotations: { note: 'n'.repeat(200) } },
    spec: { containers: [{ name: 'main', image: 'registry.example/bench:1.0', ports: [{ containerPort: 8080, name: 'http' }], env }] },
  };
}

function send(agent: Agent, t: Target, method: string, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${t.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (t.userAgent) headers['user-agent'] = t.userAgent;
    const req = request(
      `${t.url}${path}`,
      { method, agent, headers },
      (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve(text) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Creates then updates `count` pods against `t`; returns [create ms, update ms]. Each update sends
 * back what the create answered, with one label more; `bodies.sent` records those update bodies,
 * and `bodies.replay` sends recorded ones instead (so a baseline gets the very same bytes).
 */
async function createsAndUpdates(agent: Agent, t: Target, prefix: string, count = COUNT, bodies: { sent?: string[]; replay?: readonly string[] } = {}): Promise<[number, number]> {
  const stored: Record<string, unknown>[] = new Array(count);
  const createMs = await drive(count, CONCURRENCY, async (i) => {
    stored[i] = JSON.parse(await send(agent, t, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod(`${prefix}-${i}`)))) as Record<string, unknown>;
  });
  const updateMs = await drive(count, CONCURRENCY, async (i) => {
    const obj = stored[i] as { metadata: { name: string; labels: Record<string, string> } };
    obj.metadata.labels.rev = 'two';
    const body = bodies.replay?.[i] ?? JSON.stringify(obj);
    if (bodies.sent) bodies.sent[i] = body;
    await send(agent, t, 'PUT', `/api/v1/namespaces/default/pods/${obj.metadata.name}`, body);
  });
  return [createMs, updateMs];
}

/** A bare server that parses and re-serialises each body: the cost floor of HTTP plus JSON. */
async function startBaseline(): Promise<{ target: Target; close(): Promise<void> }> {
  const server = createServer({ keepAlive: true }, (req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const out = JSON.stringify(JSON.parse(text));
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    target: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'baseline' },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/**
 * Opens WATCHERS pod watches in a child process (watchers are other processes in a cluster, so
 * their reading is not charged to the server's process); resolves once all are streaming.
 * `close()` resolves with the bytes they received.
 */
async function openWatchers(t: Target): Promise<{ close(): Promise<number> }> {
  const script = `
    const http = require('node:http');
    let bytes = 0, open = 0;
    for (let i = 0; i < ${WATCHERS}; i++) {
      http.get(process.env.WATCH_URL, { headers: { authorization: 'Bearer ' + process.env.WATCH_TOKEN } }, (res) => {
        res.on('data', (c) => (bytes += c.length));
        if (++open === ${WATCHERS}) process.stdout.write('ready\\n');
      });
    }
    process.on('SIGTERM', () => { process.stdout.write(bytes + '\\n'); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { WATCH_URL: `${t.url}/api/v1/pods?watch=true`, WATCH_TOKEN: t.token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: string) => {
      out += c;
      if (out.includes('ready')) resolve();
    });
    child.on('exit', () => reject(new Error('watcher process exited early')));
  });
  return {
    close: () =>
      new Promise<number>((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve(Number(out.trim().split('\n').pop())));
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The store alone, in-process (no HTTP, no watchers): the ceiling the HTTP front can approach.
 * Returns [create ms, update ms] for COUNT pods.
 */
function storeOnly(prefix: string): [number, number] {
  const store = new MemoryStore();
  const pods = resourceFor('', 'pods');
  const stored: KubeObject[] = new Array(COUNT);
  let t0 = performance.now();
  for (let i = 0; i < COUNT; i++) stored[i] = store.create(pods, 'default', pod(`${prefix}-${i}`) as KubeObject);
  const createMs = performance.now() - t0;
  t0 = performance.now();
  for (const obj of stored) {
    (obj.metadata.labels as Record<string, string>).rev = 'two';
    store.update(pods, 'default', obj.metadata.name!, obj);
  }
  const updateMs = performance.now() - t0;
  store.close();
  return [createMs, updateMs];
}

/** Measures and reports the two ratios. */
export async function run(report: Report): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const ours = { create: [] as number[], update: [] as number[] };
  const oursWithAgent = { create: [] as number[], update: [] as number[] };
  const base = { create: [] as number[], update: [] as number[] };
  const baseWithAgent = { create: [] as number[], update: [] as number[] };
  const bare = { create: [] as number[], update: [] as number[] };
  let watchedBytes = 0;
  try {
    // Warm both paths up (JIT, sockets) before anything is timed.
    const warmBase = await startBaseline();
    await createsAndUpdates(agent, warmBase.target, 'warm', 300);
    await warmBase.close();
    const warm = await startApiServer({ port: 0 });
    await createsAndUpdates(agent, warm, 'warm', 300);
    await warm.close();
    // A full collection before each timed phase: the garbage a previous phase left (a closed
    // server's whole store) is not charged to whichever side runs next.
    const collect = findGc() ?? (() => {});
    for (let rep = 0; rep < REPS; rep++) {
      collect();
      const baseline = await startBaseline();
      const [bc, bu] = await createsAndUpdates(agent, baseline.target, `b${rep}`);
      await baseline.close();
      base.create.push(bc);
      base.update.push(bu);
      // A fresh server per repetition, so each one starts with an empty store.
      collect();
      const server = await startApiServer({ port: 0 });
      const watchers = await openWatchers(server);
      const [oc, ou] = await createsAndUpdates(agent, server, `p${rep}`);
      watchedBytes += await watchers.close();
      await server.close();
      ours.create.push(oc);
      ours.update.push(ou);
      collect();
      const agentServer = await startApiServer({ port: 0 });
      const agentWatchers = await openWatchers(agentServer);
      const sent: string[] = new Array(COUNT);
      const [ac, au] = await createsAndUpdates(agent, { ...agentServer, userAgent: USER_AGENT }, `a${rep}`, COUNT, { sent });
      watchedBytes += await agentWatchers.close();
      await agentServer.close();
      oursWithAgent.create.push(ac);
      oursWithAgent.update.push(au);
      // Its baseline gets the same update bodies, the managedFields the client sent back included.
      collect();
      const agentBaseline = await startBaseline();
      const [bac, bau] = await createsAndUpdates(agent, agentBaseline.target, `ba${rep}`, COUNT, { replay: sent });
      await agentBaseline.close();
      baseWithAgent.create.push(bac);
      baseWithAgent.update.push(bau);
      const [sc, su] = storeOnly(`s${rep}`);
      bare.create.push(sc);
      bare.update.push(su);
    }
  } finally {
    agent.destroy();
  }
  const perSecond = (ms: number) => (COUNT / ms) * 1000;
  // Each repetition runs the baseline and our server back to back; a figure is the median of
  // those paired ratios (throughput ours / baseline = baseline ms / our ms), so load that drifts
  // between repetitions cancels out.
  const paired = (oursMs: number[], baseMs: number[]): { ratio: number; spread: string } => {
    const ratios = oursMs.map((ms, i) => baseMs[i] / ms);
    return { ratio: median(ratios), spread: `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` };
  };
  for (const verb of ['create', 'update'] as const) {
    const o = perSecond(median(ours[verb]));
    const b = perSecond(median(base[verb]));
    const st = perSecond(median(bare[verb]));
    const { ratio, spread } = paired(ours[verb], base[verb]);
    const detail = `${o.toFixed(0)}/s vs ${b.toFixed(0)}/s (${COUNT} each, concurrency ${CONCURRENCY}; median of ${REPS} paired ratios, ${spread}); the store alone in-process: ${st.toFixed(0)}/s`;
    report(atLeast(`apiserver ${verb}s/s of 5 KB Pods with ${WATCHERS} watchers vs bare node:http`, ratio, 0.5, detail));
  }
  for (const verb of ['create', 'update'] as const) {
    const o = perSecond(median(oursWithAgent[verb]));
    const b = perSecond(median(baseWithAgent[verb]));
    const { ratio, spread } = paired(oursWithAgent[verb], baseWithAgent[verb]);
    const detail = `${o.toFixed(0)}/s vs ${b.toFixed(0)}/s (User-Agent ${USER_AGENT.split(' ')[0]}: managedFields recorded on every write, and sent back in updates, to the baseline too; median of ${REPS} paired ratios, ${spread})`;
    report(atLeast(`apiserver ${verb}s/s of 5 KB Pods with ${WATCHERS} watchers and a User-Agent vs bare node:http`, ratio, 0.5, detail));
  }
  report(atLeast('apiserver watch bytes delivered per watcher per write (sanity)', watchedBytes / WATCHERS / (REPS * COUNT * 4), 1000, `${(watchedBytes / 1e6).toFixed(1)} MB to ${WATCHERS} watchers`));
}
