/**
 * The Services the serviceip controller tries again when a ClusterIP is freed: those whose
 * automatic allocation found their range full wait for any IP; a Service refused for a requested
 * IP another Service holds waits for that IP. kube-apiserver refuses such a request and the user
 * tries again; the controller tries again for them, when it can succeed. A Service waits for one
 * thing at a time and stops waiting once it is served or gone, so the waiters are the Services
 * failing right now.
 */
export class FreeIPWaiters {
  readonly #forAny = new Set<string>();
  readonly #byIP = new Map<string, Set<string>>();
  readonly #ipOf = new Map<string, string>();

  /** `key` waits for `ip` (canonical) to be freed, or for any IP when `ip` is undefined. */
  wait(key: string, ip?: string): void {
    this.forget(key);
    if (ip === undefined) {
      this.#forAny.add(key);
      return;
    }
    this.#ipOf.set(key, ip);
    let keys = this.#byIP.get(ip);
    if (keys === undefined) this.#byIP.set(ip, (keys = new Set()));
    keys.add(key);
  }

  /** The Services to try again now that `ip` is free: every one waiting for any IP, and those waiting for it. They stop waiting. */
  freed(ip: string): string[] {
    const out = this.anyFreed();
    for (const key of this.#byIP.get(ip) ?? []) {
      out.push(key);
      this.#ipOf.delete(key);
    }
    this.#byIP.delete(ip);
    return out;
  }

  /** The Services waiting for any IP, to try again now that one is free. They stop waiting. */
  anyFreed(): string[] {
    const out = [...this.#forAny];
    this.#forAny.clear();
    return out;
  }

  /** `key` waits no more (served, gone, or waiting for something else). */
  forget(key: string): void {
    this.#forAny.delete(key);
    const ip = this.#ipOf.get(key);
    if (ip === undefined) return;
    this.#ipOf.delete(key);
    const keys = this.#byIP.get(ip);
    keys?.delete(key);
    if (keys?.size === 0) this.#byIP.delete(ip);
  }

  /** How many Services wait. */
  get size(): number {
    return this.#forAny.size + this.#ipOf.size;
  }
}
