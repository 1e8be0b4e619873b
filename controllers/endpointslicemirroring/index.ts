/** The `endpointslicemirroring` controller: selectorless Services' Endpoints mirrored into EndpointSlices. */
export { MirroringController, type MirroringControllerOptions } from './controller.js';
export { reconcileMirroring, shouldMirror, type MirroringPlan, type MirroringSnapshot } from './reconcile.js';
