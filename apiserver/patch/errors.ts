/**
 * The errors patching answers with, in Kubernetes' words
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go,
 * staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go). All are
 * `ApiError`s: callers match on `code` and `reason`, never on the message.
 */
import type { StatusCause } from '../../api-types/meta.js';
import { ApiError, badRequest, invalid } from '../errors.js';

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
