/**
 * The errors patching answers with, in Kubernetes' words
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go,
 * staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go). All are
 * `ApiError`s: callers match on `code` and `reason`, never on the message.
 */
import type { StatusCause } from '../../api-types/meta.js';
import { ApiError, badRequest, invalid, unclassifiedError } from '../errors.js';
import { formatGoValue, goTypeName } from './go-format.js';
import type { JsonObject } from './json-value.js';

/** 400 BadRequest: the patch body cannot be decoded or is not of the patch type's shape. */
export function malformedPatch(message: string): ApiError {
  return badRequest(message);
}

/**
 * 422 Invalid for a well-formed patch that cannot be applied (failed `test`, missing path).
 * Kubernetes answers `NewGenericServerResponse(422, …)`, whose message is the generic text below
 * and which drops the underlying error; we keep that message and add the error as the one cause
 * so a test failure says what went wrong.
 */
export function cannotApply(detail: string): ApiError {
  return new ApiError({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: { causes: [{ message: detail }] },
    code: 422,
  });
}

/**
 * 500 with no reason and the error's own text: a strategic merge patch failure that
 * kube-apiserver's interpretStrategicMergePatchError (handlers/patch.go) passes through, being
 * none of the mergepatch sentinels it maps to 400 or 422, so that responsewriters'
 * ErrorToAPIStatus answers it as an error no layer made a Status of.
 */
export function strategicMergeFailed(message: string): ApiError {
  return unclassifiedError(message);
}

/** mergepatch.ErrNoMergeKey, a 500: `map: <the element, as Go prints it> does not contain declared merge key: <key>`. */
export function noMergeKey(element: JsonObject, mergeKey: string): ApiError {
  return strategicMergeFailed(`map: ${formatGoValue(element)} does not contain declared merge key: ${mergeKey}`);
}

/**
 * mergepatch.ErrBadPatchType, a 500: `unknown patch type: <directive> in map: <map>`. The
 * directive is printed with `%s`: a string as it is, another scalar as `%!s(<type>=<value>)`
 * (a list or map directive prints as `%v` would, an approximation of `%s` on its elements).
 */
export function badPatchType(directive: unknown, map: JsonObject): ApiError {
  let shown: string;
  if (typeof directive === 'string' || Array.isArray(directive) || (directive !== null && typeof directive === 'object')) shown = formatGoValue(directive);
  else shown = directive === null ? '%!s(<nil>)' : `%!s(${goTypeName(directive)}=${formatGoValue(directive)})`;
  return strategicMergeFailed(`unknown patch type: ${shown} in map: ${formatGoValue(map)}`);
}

/** mergepatch.ErrBadArgType, a 500: `expected a <Go type>, but received a <Go type of actual>`. */
export function badArgType(expectedGoType: string, actual: unknown): ApiError {
  return strategicMergeFailed(`expected a ${expectedGoType}, but received a ${goTypeName(actual)}`);
}

/**
 * 422 `PatchOptions.meta.k8s.io "" is invalid: <field>: <message>`, as
 * `ValidatePatchOptions` (apimachinery/pkg/apis/meta/v1/validation) reports bad options.
 */
export function invalidPatchOptions(field: string, reason: 'FieldValueRequired' | 'FieldValueForbidden', message: string): ApiError {
  return invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [{ reason, message, field }]);
}

/** 413 RequestEntityTooLarge, as `NewRequestEntityTooLargeError`. */
export function tooLarge(message: string): ApiError {
  return new ApiError({
    apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure',
    message: `Request entity too large: ${message}`, reason: 'RequestEntityTooLarge', code: 413,
  });
}

/** One field an apply would change that another manager owns. */
export interface ApplyConflict {
  /** How the owner prints: `"name"`, plus ` with subresource "s"` and ` using v1 at <time>` for Update owners. */
  manager: string;
  /** The field path as structured-merge-diff prints it: `.spec.ports[port=80,protocol="TCP"].targetPort`. */
  path: string;
}

/**
 * 409 Conflict for an apply without force (`NewConflictError`): one `FieldManagerConflict`
 * cause per field, and `Apply failed with N conflict(s): …` grouped by sorted manager.
 * Like Kubernetes' `NewApplyConflict`, the details carry causes only (no name or kind).
 */
export function applyConflict(conflicts: readonly ApplyConflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${c.manager}`,
    field: c.path,
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].path}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const manager of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${manager}:`);
      for (const p of byManager.get(manager) ?? []) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: { causes },
    code: 409,
  });
}
