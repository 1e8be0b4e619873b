/**
 * Tells the informer's echo of a controller's own write from a change made by anyone else, so
 * that a controller does not queue a key again only because its own write came back. The
 * reconcile that wrote the object has already gone on from that state; reconciling it again
 * finds nothing to do.
 *
 * The echo may arrive before the write's answer (the in-process client delivers watch events
 * first) or after it (HTTP). So a key is tracked from just before its write until its echo:
 *
 * 1. While the write is under way, an update whose previous state is the one the write was
 *    based on (same resourceVersion) is taken as its echo. Were it someone else's write from the
 *    same base instead, ours fails its resourceVersion precondition, and the caller re-reads on
 *    a conflict (or is requeued on any other failure), so nothing is lost.
 * 2. Once the write succeeded, an update carrying the resourceVersion it returned is its echo.
 *    The first update seen after that ends the tracking either way.
 *
 * Deletes must call `forget`, so that nothing is kept for a Service that is gone;
 * `handlerFor` builds the informer handler that does all of this.
 */
import type { KubeObject } from '../../api-types/meta.js';
import { keyOf, type InformerHandler } from './informer.js';

interface Writing {
  baseRV: string | undefined;
  echoed: boolean;
}

/** Own writes under way or awaiting their echo, by key. */
export class OwnWrites {
  readonly #writing = new Map<string, Writing>();
  readonly #written = new Map<string, string>();

  /** Call just before writing `key` with a body based on `baseRV`. */
  writing(key: string, baseRV: string | undefined): void {
    this.#writing.set(key, { baseRV, echoed: false });
  }

  /** Call once that write has ended: the resourceVersion it returned, or undefined when it failed. */
  written(key: string, rv: string | undefined): void {
    const w = this.#writing.get(key);
    this.#writing.delete(key);
    if (rv !== undefined && !w?.echoed) this.#written.set(key, rv);
  }

  /**
   * True when the update of `key` from `oldRV` to `newRV` that an informer shows is the echo of
   * this controller's own write (steps 1 and 2 of the module comment).
   */
  isEcho(key: string, oldRV: string | undefined, newRV: string | undefined): boolean {
    const rv = this.#written.get(key);
    if (rv !== undefined) {
      this.#written.delete(key);
      return rv === newRV;
    }
    const w = this.#writing.get(key);
    if (!w || w.echoed || oldRV !== w.baseRV) return false;
    w.echoed = true;
    return true;
  }

  /** Forgets `key` (its object was deleted). */
  forget(key: string): void {
    this.#written.delete(key);
  }

  /**
   * The informer handler of a controller that tracks its own writes: every add and delete, and
   * every update but the echo of its own write, enqueues the object's key; a delete forgets it.
   */
  handlerFor<T extends KubeObject>(enqueue: (key: string) => void): InformerHandler<T> {
    return {
      onAdd: (obj) => enqueue(keyOf(obj)),
      onUpdate: (old, obj) => {
        const key = keyOf(obj);
        if (!this.isEcho(key, old.metadata.resourceVersion, obj.metadata.resourceVersion)) enqueue(key);
      },
      onDelete: (obj) => {
        const key = keyOf(obj);
        this.forget(key);
        enqueue(key);
      },
    };
  }

  /** Keys tracked (tests: nothing is kept once echoes and deletes are in). */
  get size(): number {
    return this.#writing.size + this.#written.size;
  }
}
