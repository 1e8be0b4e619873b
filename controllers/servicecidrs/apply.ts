/**
 * The only writer of the ServiceCIDR controller. It writes as kube-controller-manager's does
 * (servicecidrs_controller.go `addServiceCIDRFinalizerIfNeeded`,
 * `removeServiceCIDRFinalizerIfNeeded`, `updateConditionIfNeeded`): the finalizer by strategic
 * merge patch (merged into the list, or taken out with `$deleteFromPrimitiveList`), then the Ready
 * condition by a forced server-side apply of status as `service-cidr-controller`. A 404 means the
 * ServiceCIDR is gone: nothing more to do. When Ready=True cannot be written, a Warning
 * `KubernetesServiceCIDRError` is recorded on the ServiceCIDR before the error is thrown.
 */
import { ApiError } from '../../api-types/api-error.js';
import type { ServiceCIDR } from '../../api-types/networking.js';
import { Finalizers, ServiceCIDRControllerNames as Names } from '../../api-types/well-known.js';
import { referenceTo, type EventRecorder } from '../runtime/events.js';
import type { ResourceClient } from '../runtime/kube-client.js';
import { ServiceCIDRWriteError } from './errors.js';
import type { ServiceCIDRPlan } from './reconcile.js';

/** What one plan came to. */
export interface ServiceCIDRWrites {
  finalizer: 'added' | 'removed' | 'none';
  /** Whether the Ready condition was applied. */
  condition: boolean;
  /** The ServiceCIDR was gone (a 404) before everything was written. */
  gone: boolean;
}

const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;

/** Carries out one plan for the ServiceCIDR `sc` (the cached object the plan was made from). */
export async function applyServiceCIDRPlan(client: ResourceClient<ServiceCIDR>, sc: ServiceCIDR, plan: ServiceCIDRPlan, recorder: EventRecorder): Promise<ServiceCIDRWrites> {
  const name = sc.metadata.name ?? '';
  const out: ServiceCIDRWrites = { finalizer: 'none', condition: false, gone: false };
  if (plan.finalizer !== 'none') {
    const write = plan.finalizer === 'add' ? 'add-finalizer' : 'remove-finalizer';
    const body = plan.finalizer === 'add'
      ? { metadata: { finalizers: [Finalizers.serviceCIDR] } }
      : { metadata: { '$deleteFromPrimitiveList/finalizers': [Finalizers.serviceCIDR] } };
    try {
      await client.patch(undefined, name, 'application/strategic-merge-patch+json', body, { fieldManager: Names.name });
      out.finalizer = plan.finalizer === 'add' ? 'added' : 'removed';
    } catch (err) {
      if (!isNotFound(err)) throw new ServiceCIDRWriteError(write, name, err);
      out.gone = true;
      return out;
    }
  }
  if (plan.readyCondition) {
    const body = { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name }, status: { conditions: [plan.readyCondition] } };
    try {
      await client.patch(undefined, name, 'application/apply-patch+yaml', body, { fieldManager: Names.name, force: true, subresource: 'status' });
      out.condition = true;
    } catch (err) {
      if (isNotFound(err)) {
        out.gone = true;
        return out;
      }
      if (plan.readyCondition.status === 'True') {
        recorder.record({ regarding: referenceTo(sc, 'ServiceCIDR', 'networking.k8s.io/v1'), type: 'Warning', reason: Names.statusErrorReason, action: 'Update', note: Names.statusErrorNote });
      }
      throw new ServiceCIDRWriteError('apply-status', name, err);
    }
  }
  return out;
}
