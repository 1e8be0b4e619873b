/** The `endpointslice` controller: selector Services' pods into EndpointSlices with the fewest writes. */
export { EndpointSliceController, validateEndpointSliceOptions, StaleSliceCacheError, type EndpointSliceControllerOptions } from './controller.js';
export { reconcileSlices, isEmptyPlan, type SlicePlan, type SliceSnapshot } from './reconcile.js';
