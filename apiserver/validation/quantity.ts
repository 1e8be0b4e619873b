/**
 * resource.Quantity values (apimachinery pkg/api/resource/quantity.go): a decimal number with
 * an optional binary-SI (Ki … Ei), decimal-SI (n, u, m, k, M … E) or exponent (e3, E-2) suffix,
 * read exactly, so that `500m` and `0.5`, or `1Gi` and `1073741824`, are the same quantity. Only
 * what the Pod strategy compares needs this: the QoS class of a Pod (podQOSClass).
 */

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Parts of a quantity below 10^-9 are rounded up, as Quantity keeps nano precision at most. */
const SCALE = 9;

/**
 * The value of a quantity in units of 10^-9 (exact), or undefined when `text` is not one.
 * @example quantityNanos('500m') === 500_000_000n
 */
export function quantityNanos(text: string): bigint | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE]?)$/.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix] = m;
  const [whole, fraction = ''] = number.split('.');
  let digits = BigInt(`${whole || '0'}${fraction}`);
  let exponent = -fraction.length;
  if (suffix in BINARY) digits *= BINARY[suffix];
  else if (/^[eE]/.test(suffix)) exponent += Number(suffix.slice(1));
  else exponent += DECIMAL[suffix];
  const shift = exponent + SCALE;
  let nanos: bigint;
  if (shift >= 0) {
    nanos = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    nanos = digits / divisor + (digits % divisor === 0n ? 0n : 1n);
  }
  return sign === '-' ? -nanos : nanos;
}

/** The resources a Pod's QoS class looks at (isSupportedQoSComputeResource). */
const QOS_RESOURCES = ['cpu', 'memory'];

type Resources = { requests?: unknown; limits?: unknown } | undefined;

/**
 * A Pod's QoS class from its containers' and init containers' requests and limits of cpu and
 * memory, as ComputePodQOS decides it (pkg/apis/core/helper/qos/qos.go; pod-level resources
 * are an alpha feature, off): BestEffort when nothing is requested or limited; Guaranteed when
 * every container limits both and the summed requests equal the summed limits; else Burstable.
 * Zero and unreadable quantities count as absent.
 */
export function podQOSClass(containers: readonly { resources?: Resources }[]): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let isGuaranteed = true;
  for (const c of containers) {
    addPositive(requests, c.resources?.requests);
    const found = addPositive(limits, c.resources?.limits);
    if (!QOS_RESOURCES.every((r) => found.has(r))) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        isGuaranteed = false;
        break;
      }
    }
  }
  return isGuaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

// Adds the positive cpu and memory quantities of `list` into `sums`; returns the names added.
function addPositive(sums: Map<string, bigint>, list: unknown): Set<string> {
  const found = new Set<string>();
  if (list === null || typeof list !== 'object') return found;
  for (const name of QOS_RESOURCES) {
    const raw = (list as Record<string, unknown>)[name];
    const value = typeof raw === 'string' ? quantityNanos(raw) : typeof raw === 'number' ? quantityNanos(String(raw)) : undefined;
    if (value === undefined || value <= 0n) continue;
    found.add(name);
    sums.set(name, (sums.get(name) ?? 0n) + value);
  }
  return found;
}
