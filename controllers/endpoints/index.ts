/** The `endpoints` controller: selector Services' pods into one Endpoints object each. */
export { EndpointsController, podChangeMatters, type EndpointsControllerOptions } from './controller.js';
export { reconcileEndpoints, type EndpointsPlan, type EndpointsSnapshot } from './reconcile.js';
