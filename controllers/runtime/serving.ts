/**
 * The plain-HTTP endpoints a process serves beside its work: `/metrics` on
 * --metrics-bind-address and `/healthz`, `/livez`, `/readyz` on --health-probe-bind-address (one
 * server when both name the same address). Port 0 picks a free port; the bound address is
 * returned so it can be logged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What the health endpoints ask. */
export interface HealthChecks {
  /** Liveness: the process works (a standby replica is healthy). */
  healthy(): boolean;
  /** Readiness: informers have synced. */
  ready(): boolean;
}

/** A running endpoint server. */
export interface ServingHandle {
  /** `host:port` actually bound. */
  address: string;
  close(): Promise<void>;
}

/** Parses `host:port` (`[::1]:10257` for IPv6; port 0 = any free port); throws a RangeError naming the flag. */
export function parseBindAddress(flag: string, value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new RangeError(`invalid ${flag} "${value}": expected host:port with a port from 0 to 65535`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** Serves the given routes until closed. */
export async function serveEndpoints(bind: { host: string; port: number }, routes: { registry?: Registry; health?: HealthChecks }): Promise<ServingHandle> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const text = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (routes.registry && path === '/metrics') {
      routes.registry.metrics().then((body) => text(200, body, routes.registry!.contentType), (err: Error) => text(500, err.message));
    } else if (routes.health && (path === '/healthz' || path === '/livez')) {
      if (routes.health.healthy()) text(200, 'ok');
      else text(500, 'unhealthy');
    } else if (routes.health && path === '/readyz') {
      if (routes.health.ready()) text(200, 'ok');
      else text(500, 'informers not synced');
    } else {
      text(404, 'not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
