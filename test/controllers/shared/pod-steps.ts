/**
 * Random pod changes for the incremental planners' properties and tests: a step edits pods in
 * place, flips readiness, removes pods and adds new ones at the end, as informer events would.
 */
import fc from 'fast-check';
import type { Pod } from '../../../api-types/core.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

/** One step of pod changes; `at`, flips and removes index the list modulo its length. */
export interface PodStep<S> {
  edits: { at: number; spec: S }[];
  flips: number[];
  removes: number[];
  adds: S[];
}

/** Steps of a few changes each, for pods described by `spec`. */
export function podStep<S>(spec: fc.Arbitrary<S>): fc.Arbitrary<PodStep<S>> {
  return fc.record({
    edits: fc.array(fc.record({ at: fc.nat(), spec }), { maxLength: 1 }),
    flips: fc.array(fc.nat(), { maxLength: 2 }),
    removes: fc.array(fc.nat(), { maxLength: 1 }),
    adds: fc.array(spec, { maxLength: 1 }),
  });
}

/** A copy of the pod with its Ready condition flipped. */
export function flipReady(p: Pod): Pod {
  return deepFreeze({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: p.status?.conditions?.[0]?.status === 'True' ? 'False' : 'True' }] } });
}

/**
 * The pod list after a step. An edited pod is rebuilt under its own id (`idOf`); added pods
 * take ids from `nextId`.
 */
export function applyPodStep<S>(pods: readonly Pod[], st: PodStep<S>, o: { build: (id: number, spec: S) => Pod; idOf: (p: Pod) => number; nextId: () => number }): Pod[] {
  const next = [...pods];
  for (const e of st.edits) if (next.length) next[e.at % next.length] = o.build(o.idOf(next[e.at % next.length]), e.spec);
  for (const f of st.flips) if (next.length) next[f % next.length] = flipReady(next[f % next.length]);
  for (const r of st.removes) if (next.length) next.splice(r % next.length, 1);
  for (const a of st.adds) next.push(o.build(o.nextId(), a));
  return next;
}

/** A copy of the list with `p` at position `i`. */
export function replaceAt(list: readonly Pod[], i: number, p: Pod): Pod[] {
  const out = [...list];
  out[i] = p;
  return out;
}
