/**
 * The events the Endpoints controller records, with Kubernetes' reasons and words
 * (`pkg/controller/endpoint/endpoints_controller.go` `syncService`, ../shared/reference/
 * kubernetes-behaviour.md §4.2 step 12). The reconciler plans no events: they follow failed
 * writes, which apply.ts performs; these builders keep the words in one place.
 */
import { EndpointEventReasons } from '../../api-types/well-known.js';

/** An event to record on the Endpoints object. */
export interface EndpointsEvent {
  type: 'Warning';
  reason: typeof EndpointEventReasons.failedToCreateEndpoint | typeof EndpointEventReasons.failedToUpdateEndpoint;
  message: string;
}

/** The Warning recorded when creating the Service's Endpoints failed. */
export function failedToCreateEndpoint(namespace: string, name: string, err: unknown): EndpointsEvent {
  return { type: 'Warning', reason: EndpointEventReasons.failedToCreateEndpoint, message: `Failed to create endpoint for service ${namespace}/${name}: ${describe(err)}` };
}

/** The Warning recorded when updating the Service's Endpoints failed. */
export function failedToUpdateEndpoint(namespace: string, name: string, err: unknown): EndpointsEvent {
  return { type: 'Warning', reason: EndpointEventReasons.failedToUpdateEndpoint, message: `Failed to update endpoint ${namespace}/${name}: ${describe(err)}` };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
