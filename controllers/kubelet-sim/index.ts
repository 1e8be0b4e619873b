/**
 * The simulated kubelet for `svcplane dev --simulate-pods`: nodes, binding, pod IPs, readiness
 * and graceful deletion, for an API server without kubelets. A simulation, labelled as one.
 */
export { KubeletSim, SimulationWarning } from './controller.js';
export { NodeCIDRSet, PodIPPool } from './ipam.js';
export { simNode } from './node-object.js';
export {
  DefaultZones,
  SimulateReadyAnnotation,
  SimulatedNodeLabel,
  parseClusterCIDRs,
  resolveKubeletSimOptions,
  type KubeletSimOptions,
  type ResolvedKubeletSimOptions,
} from './options.js';
export { readyOverride, runningPodStatus, terminatingPodStatus } from './pod-status.js';
export { planRunning, planTermination, podStage, type PodPlan, type PodStage } from './reconcile.js';
