/**
 * The only writer of the Endpoints controller (../shared/reference/kubernetes-behaviour.md §4.2
 * step 12): POST to create, PUT to update, DELETE when the Service is gone (404 counts as done).
 * A create into a terminating namespace is dropped quietly; other failures record
 * FailedToCreateEndpoint / FailedToUpdateEndpoint on the Endpoints and are thrown to be retried.
 * After an update that moved the resourceVersion, the replaced version is marked stale.
 */
import type { Endpoints } from '../../api-types/core.js';
import { ManagedBy } from '../../api-types/well-known.js';
import { ApiError } from '../../api-types/api-error.js';
import { isNamespaceGone } from '../endpointslice/apply.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import { failedToCreateEndpoint, failedToUpdateEndpoint } from './events.js';
import type { EndpointsPlan } from './reconcile.js';
import type { StaleEndpointsTracker } from './tracker.js';

/** What was written: for metrics and tests. */
export type EndpointsWrite = 'none' | 'created' | 'updated' | 'deleted' | 'dropped';

/** What one plan came to: the kind of write, and the server's reply to a create or update. */
export interface EndpointsApplyResult {
  write: EndpointsWrite;
  written?: Endpoints;
}

/** Carries out one plan. */
export async function applyEndpointsPlan(
  client: ResourceClient<Endpoints>,
  plan: EndpointsPlan,
  existing: Endpoints | undefined,
  tracker: StaleEndpointsTracker,
  recorder: EventRecorder,
): Promise<EndpointsApplyResult> {
  switch (plan.action) {
    case 'none':
      return { write: 'none' };
    case 'delete':
      tracker.delete(plan.namespace, plan.name);
      try {
        await client.delete(plan.namespace, plan.name);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
      return { write: 'deleted' };
    case 'create': {
      const { namespace = '', name = '' } = plan.endpoints.metadata;
      try {
        const written = await client.create(namespace, plan.endpoints, { fieldManager: ManagedBy.endpointsController });
        return { write: 'created', written };
      } catch (err) {
        if (isNamespaceGone(err)) return { write: 'dropped' };
        record(recorder, plan.endpoints, failedToCreateEndpoint(namespace, name, err));
        throw err;
      }
    }
    case 'update': {
      const { namespace = '', name = '' } = plan.endpoints.metadata;
      try {
        const written = await client.update(plan.endpoints, { fieldManager: ManagedBy.endpointsController });
        if (existing && written.metadata.resourceVersion !== existing.metadata.resourceVersion) tracker.markStale(existing);
        return { write: 'updated', written };
      } catch (err) {
        record(recorder, plan.endpoints, failedToUpdateEndpoint(namespace, name, err));
        throw err;
      }
    }
  }
}

function record(recorder: EventRecorder, ep: Endpoints, e: { type: 'Warning'; reason: string; message: string }): void {
  recorder.record({
    regarding: { kind: 'Endpoints', apiVersion: 'v1', namespace: ep.metadata.namespace, name: ep.metadata.name, uid: ep.metadata.uid },
    type: e.type,
    reason: e.reason,
    action: 'Update',
    note: e.message,
  });
}
