/**
 * The health endpoints, /healthz, /livez and /readyz, as kube-apiserver's healthz package answers
 * them (staging/src/k8s.io/apiserver/pkg/server/healthz/healthz.go): `ok`, or with `?verbose` one
 * `[+]<check> ok` line per check and `<endpoint> check passed`; `?exclude=<check>` marks a check
 * excluded; `/<endpoint>/<check>` runs one check, and a name that is no check is not found.
 *
 * The checks are named as kube-apiserver's basic ones; `etcd` and `etcd-readiness` stand for the
 * in-memory store, which is always there. kube-apiserver's post-start hooks are not listed.
 */

/** The health endpoints. */
export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

const BASIC = ['ping', 'log', 'etcd'] as const;

/** The checks of each endpoint, in kube-apiserver's order. */
export const HEALTH_CHECKS: Readonly<Record<HealthEndpoint, readonly string[]>> = {
  healthz: BASIC,
  livez: BASIC,
  readyz: [...BASIC, 'etcd-readiness', 'informer-sync', 'shutdown'],
};

/** A health answer: 200 with text, or undefined when the path names no check (404). */
export function healthAnswer(endpoint: HealthEndpoint, check: string | undefined, q: URLSearchParams): string | undefined {
  const checks = HEALTH_CHECKS[endpoint];
  if (check !== undefined) return checks.includes(check) ? 'ok' : undefined;
  if (!q.has('verbose')) return 'ok';
  // Each `exclude` parameter names one check, as it is written (getExcludedChecks).
  const excluded = new Set(q.getAll('exclude'));
  let out = '';
  for (const name of checks) {
    out += excluded.delete(name) ? `[+]${name} excluded: ok\n` : `[+]${name} ok\n`;
  }
  if (excluded.size > 0) {
    const names = [...excluded].sort().map((n) => JSON.stringify(n)).join(',');
    out += `warn: some health checks cannot be excluded: no matches for ${names}\n`;
  }
  return `${out}${endpoint} check passed\n`;
}
