/**
 * What changed between two lists of one Service's pods, by object identity. Informer-cache
 * pods are never edited, only replaced (controllers/runtime/transforms.ts `slimPod` freezes
 * them), so a pod object seen at the last sync that is still in the list is unchanged, and a
 * sync can find the few pods an event touched without looking inside the others. Used by the
 * incremental planners of both endpoint controllers (decision 008).
 */
import type { Pod } from '../../api-types/core.js';

/** One pod that differs: `before` only (gone), `after` only (new), or both (replaced). */
export interface PodChange {
  before?: Pod;
  after?: Pod;
}

function nameOf(pod: Pod): string {
  return pod.metadata.name ?? '';
}

// The last answer of replacedInPlace: for one event, both controllers' trigger-time trackers
// and planners ask about the same two lists (the shared index hands out the same arrays).
let lastBefore: readonly Pod[] | undefined;
let lastAfter: readonly Pod[] | undefined;
let lastPositions: readonly number[] | undefined;

// The last list made from another by replacing the pod at one position (noteReplaced).
let derivedFrom: readonly Pod[] | undefined;
let derived: readonly Pod[] | undefined;
let derivedAt = -1;

/**
 * Records that `after` is a copy of `before` with another object at position `at` (the
 * Service index's in-place pod update), so that replacedInPlace answers for that pair without
 * scanning both lists. Neither list may be edited after.
 */
export function noteReplaced(before: readonly Pod[], after: readonly Pod[], at: number): void {
  [derivedFrom, derived, derivedAt] = [before, after, at];
}

/**
 * The positions where `after` holds another object than `before` under the same name, when
 * the lists have the same length and every position holds the same pod name (a list whose
 * pods were only updated in place); undefined otherwise. The lists must not be edited after.
 */
export function replacedInPlace(before: readonly Pod[], after: readonly Pod[]): readonly number[] | undefined {
  if (before === lastBefore && after === lastAfter) return lastPositions;
  let out: number[] | undefined = [];
  if (before.length !== after.length) out = undefined;
  else if (before === derivedFrom && after === derived) {
    // Only one position can differ (noteReplaced).
    const b = before[derivedAt];
    const a = after[derivedAt];
    if (a !== b) out = nameOf(a) === nameOf(b) ? [derivedAt] : undefined;
  } else {
    for (let i = 0; i < after.length; i++) {
      if (before[i] === after[i]) continue;
      if (nameOf(before[i]) !== nameOf(after[i])) {
        out = undefined;
        break;
      }
      out.push(i);
    }
  }
  [lastBefore, lastAfter, lastPositions] = [before, after, out];
  return out;
}

// diffPods' last answer for pods updated in place, and the positions it was made from.
let changesFor: readonly number[] | undefined;
let lastChanges: readonly PodChange[] = [];

/**
 * The pods of `after` that are not (identically) in `before`, in `after`'s order, then the
 * pods of `before` gone from `after`. Pods are matched by name (one Service's pods share a
 * namespace; names are unique within a list, as in an informer cache). Returns undefined as
 * soon as more than `limit` pods changed, or when a name turns up twice past step 1.
 *
 * 0. Pods only updated in place: replacedInPlace's positions (shared with the trigger time).
 * 1. Walk both lists side by side while names line up (the usual case: a Service's pod list
 *    keeps its order, and an update replaces a pod in place); a different object under the
 *    same name is a replacement. Cost: one comparison per pod.
 * 2. From the first position where names differ, match the rest by name.
 */
export function diffPods(before: readonly Pod[], after: readonly Pod[], limit: number): readonly PodChange[] | undefined {
  const inPlace = replacedInPlace(before, after);
  if (inPlace) {
    if (inPlace.length > limit) return undefined;
    // Both planners ask about the same two lists for one event: one answer for both.
    if (inPlace !== changesFor) [changesFor, lastChanges] = [inPlace, inPlace.map((i) => ({ before: before[i], after: after[i] }))];
    return lastChanges;
  }
  const changes: PodChange[] = [];
  const n = Math.min(before.length, after.length);
  let i = 0;
  // 1.
  for (; i < n; i++) {
    const b = before[i];
    const a = after[i];
    if (a === b) continue;
    if (nameOf(a) !== nameOf(b)) break;
    if (changes.push({ before: b, after: a }) > limit) return undefined;
  }
  if (i === before.length && i === after.length) return changes;
  // 2.
  const rest = new Map<string, Pod>();
  for (let j = i; j < before.length; j++) {
    const name = nameOf(before[j]);
    if (rest.has(name)) return undefined;
    rest.set(name, before[j]);
  }
  const seen = new Set<string>();
  for (let j = i; j < after.length; j++) {
    const a = after[j];
    const name = nameOf(a);
    if (seen.has(name)) return undefined;
    seen.add(name);
    const b = rest.get(name);
    rest.delete(name);
    if (a === b) continue;
    if (changes.push(b ? { before: b, after: a } : { after: a }) > limit) return undefined;
  }
  for (const b of rest.values()) if (changes.push({ before: b }) > limit) return undefined;
  return changes;
}
