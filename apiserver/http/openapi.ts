/**
 * The OpenAPI answers kubectl needs to validate manifests without a schema: /openapi/v2 as an
 * empty protobuf document (a valid, empty Document, so every kind skips client-side validation)
 * and /openapi/v3 as 404, after which kubectl falls back to v2. Measured with kubectl 1.20–1.33
 * (shared/reference/client-and-wire.md §2.10).
 */

/**
 * The Content-Type of the v2 answer. The `.v1.0` form is required: echoing the `@v1.0` form
 * kubectl asks for makes kubectl 1.32 fail with "mime: unexpected content after media subtype".
 */
export const OPENAPI_V2_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
