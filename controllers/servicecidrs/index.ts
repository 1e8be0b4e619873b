/** The `servicecidrs` controller: kube-controller-manager's ServiceCIDR finalizer and Ready condition. */
export { ServiceCIDRController, type ServiceCIDRControllerOptions } from './controller.js';
export { checkDeletion, isProtectingIPAddress, reconcileServiceCIDR, type DeletionCheck, type ServiceCIDRPlan, type ServiceCIDRReconcileOptions, type ServiceCIDRSnapshot } from './reconcile.js';
