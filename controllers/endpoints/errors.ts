/**
 * Typed failures of the Endpoints controller. Callers match on `code`, never on the message.
 */

/** Base class of the Endpoints controller's errors. */
export abstract class EndpointsControllerError extends Error {
  /** Stable code callers match on. */
  abstract readonly code: string;
}

/**
 * The informer returned an Endpoints whose resourceVersion this controller already replaced
 * with an update: its cache is behind, so the sync fails and is retried with rate limiting
 * (`pkg/controller/endpoint/endpoints_controller.go` `syncService`, same words).
 */
export class StaleEndpointsError extends EndpointsControllerError {
  /** Stable code callers match on. */
  readonly code = 'EndpointsCacheStale' as const;

  /** Names the Endpoints (`namespace/name`) and the resourceVersion already processed. */
  constructor(
    readonly key: string,
    readonly resourceVersion: string,
  ) {
    super(`endpoints informer cache is out of date, resource version ${resourceVersion} already processed for endpoints ${key}`);
    this.name = 'StaleEndpointsError';
  }
}
