/**
 * The table runner the validation tests share: each case goes through the store's pipeline
 * (defaultObject → prepareForUpdate on update → canonicalizeObject → validateObject) with deep-frozen
 * inputs to validateObject, and its causes are compared as a set of {field, reason}.
 */
import test from 'ava';
import type { KubeObject, StatusCause } from '../../../api-types/meta.js';
import { canonicalizeObject, defaultObject, prepareForUpdate, validateObject } from '../../../apiserver/validation/index.js';
import { resourceFor } from '../../../apiserver/resources.js';
import { deepFreeze } from '../../helpers/deep-freeze.js';

/** One expected cause. */
export interface WantCause {
  field: string;
  reason: string;
}

/** One row of a validation table. */
export interface Case {
  name: string;
  obj: KubeObject;
  old?: KubeObject;
  subresource?: 'status';
  wantCauses: WantCause[];
}

/** Runs an object through the store's write pipeline and returns the causes. */
export function runPipeline(group: string, resource: string, obj: KubeObject, old?: KubeObject, subresource?: 'status'): StatusCause[] {
  const r = resourceFor(group, resource);
  const next = structuredClone(obj);
  defaultObject(r, next);
  let prev: KubeObject | undefined;
  if (old) {
    prev = structuredClone(old);
    defaultObject(r, prev);
    canonicalizeObject(r, prev);
    prepareForUpdate(r, next, deepFreeze(structuredClone(prev)));
  }
  canonicalizeObject(r, next);
  return validateObject(r, deepFreeze(next), prev && deepFreeze(prev), subresource);
}

const order = (c: WantCause): string => `${c.field} ${c.reason}`;

/** Registers one ava test per case, titled `<unit> › <case name>`. */
export function tableTest(unit: string, group: string, resource: string, cases: Case[]): void {
  for (const c of cases) {
    test(`${unit} › ${c.name}`, (t) => {
      const causes = runPipeline(group, resource, c.obj, c.old, c.subresource);
      for (const cause of causes) t.truthy(cause.message, `cause ${cause.field} has a message`);
      const got = causes.map((x) => ({ field: x.field ?? '', reason: x.reason ?? '' })).sort((a, b) => order(a).localeCompare(order(b)));
      const want = [...c.wantCauses].sort((a, b) => order(a).localeCompare(order(b)));
      t.deepEqual(got, want, JSON.stringify(causes, null, 1));
    });
  }
}
