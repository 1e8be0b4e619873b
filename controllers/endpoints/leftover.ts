/**
 * The start-up sweep's rule (`pkg/controller/endpoint/endpoints_controller.go`
 * `checkLeftoverEndpoints`, ../shared/reference/kubernetes-behaviour.md §4.1, §9.6).
 */
import type { Endpoints } from '../../api-types/core.js';
import { Annotations } from '../../api-types/well-known.js';

/** True when an Endpoints carries a leader-election record (such objects have no Service). */
export function hasLeaderElectionRecord(endpoints: Endpoints): boolean {
  const annotations = endpoints.metadata.annotations;
  return annotations !== undefined && Object.hasOwn(annotations, Annotations.leader);
}

/**
 * True when the controller's start-up sweep must delete this Endpoints: no Service of the same
 * name exists and it is not a leader-election record (deleting one would force a re-election
 * in every controller manager still using Endpoints locks).
 */
export function isLeftover(endpoints: Endpoints, serviceExists: boolean): boolean {
  return !serviceExists && !hasLeaderElectionRecord(endpoints);
}
