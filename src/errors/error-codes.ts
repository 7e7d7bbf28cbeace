/**
 * The one registry of Gatehouse errors. Codes are stable strings: logs, metrics and the
 * `X-Gatehouse-Error` response header carry them, so operators can alert on them.
 * Templates name what was expected and what was received; they never contain a secret.
 */
export const errorCodes = {
  // Credentials (401): the caller is not who it claims to be, or the token is no longer valid.
  AUTH_MISSING: {
    status: 401,
    message: 'missing Authorization header: expected Basic <instance id>:<token> or Bearer <token>',
  },
  AUTH_MALFORMED: { status: 401, message: 'malformed Authorization header: {reason}' },
  TOKEN_MALFORMED: { status: 401, message: 'token could not be parsed: {reason}' },
  TOKEN_UNKNOWN: { status: 401, message: 'token is not valid: unknown, revoked or deleted' },
  TOKEN_EXPIRED: { status: 401, message: 'token expired at {expiresAt}' },
  POLICY_INACTIVE: { status: 401, message: 'access policy {policy} is inactive' },
  INSTANCE_UNKNOWN: { status: 401, message: 'unknown instance id {instanceId}' },
  INSTANCE_WRONG_SERVICE: {
    status: 401,
    message:
      'instance id {instanceId} is a {actual} instance; this endpoint needs a {expected} instance',
  },
  BEARER_AMBIGUOUS: {
    status: 401,
    message: 'a bearer token must cover exactly one stack; use basic auth <instance id>:<token>',
  },

  // Authorization (403): a valid token that may not do this.
  SUBNET_DENIED: {
    status: 403,
    message: 'client address {address} is not inside the access policy allowedSubnets',
  },
  SCOPE_MISSING: { status: 403, message: 'missing required scope [{scope}], received [{scopes}]' },
  REALM_MISMATCH: { status: 403, message: 'access policy realms do not cover {target}' },
  REGION_MISMATCH: {
    status: 403,
    message: 'access policy is in region {policyRegion}, the stack is in region {stackRegion}',
  },

  // Request shape (4xx).
  ROUTE_NOT_FOUND: { status: 404, message: 'no route for {method} {path}' },
  UPGRADE_UNSUPPORTED: {
    status: 400,
    message: 'expected a WebSocket upgrade (GET with Upgrade: websocket); received {received}',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: '{method} is not allowed on {path}; allowed: {allowed}',
  },
  BODY_TOO_LARGE: { status: 413, message: 'request body exceeds the limit of {limit} bytes' },
  BODY_DECODED_TOO_LARGE: {
    status: 413,
    message: 'request body decompresses to {size} bytes, over the limit of {limit} bytes',
  },
  BODY_MALFORMED: { status: 400, message: 'malformed request body: {reason}' },
  MEDIA_TYPE_UNSUPPORTED: {
    status: 415,
    message: 'unsupported Content-Type {received}; expected {expected}',
  },
  ENCODING_UNSUPPORTED: {
    status: 415,
    message: 'unsupported Content-Encoding {received}; expected {expected}',
  },
  ANSWER_TOO_LARGE: {
    status: 422,
    message: 'the answers to merge exceed {limit} bytes; narrow the query or its time range',
  },
  PARAM_MISSING: { status: 400, message: 'missing parameter {param}' },
  LABEL_POLICY_FORBIDS: { status: 403, message: 'not allowed under a label policy: {reason}' },
  PARAM_INVALID: { status: 400, message: 'invalid parameter {param}: {reason}' },
  QUERY_PARSE_ERROR: { status: 400, message: 'cannot parse {what}: {reason}' },
  QUERY_UNSUPPORTED: { status: 400, message: 'query cannot be enforced: {reason}' },
  FEATURE_UNSUPPORTED: { status: 501, message: '{feature} is not supported: {reason}' },
  RATE_LIMITED: { status: 429, message: 'rate limit exceeded; retry after {retryAfter} s' },

  // Management API (Cloud semantics: validation failures and name clashes are 409).
  API_INVALID_ARGUMENT: { status: 409, message: 'invalid {field}: {reason}' },
  API_STACK_SLUG_TAKEN: {
    status: 409,
    message: 'Grafana stack with the same slug already exists: {slug}',
  },
  API_NAME_TAKEN: { status: 409, message: '{kind} named {name} already exists in region {region}' },
  API_NOT_FOUND: { status: 404, message: '{kind} {id} not found' },
  API_UNKNOWN_REGION: { status: 409, message: 'unknown region {region}; configured: {known}' },
  API_DELETE_PROTECTED: {
    status: 409,
    message: 'stack {slug} has deleteProtection enabled; disable it before deleting',
  },

  // Upstreams (5xx): the backend, not the caller, failed.
  UPSTREAM_UNAVAILABLE: { status: 502, message: '{service} backend unreachable: {reason}' },
  UPSTREAM_TIMEOUT: {
    status: 504,
    message: '{service} backend did not answer within {timeoutMs} ms',
  },
  SERVICE_NOT_CONFIGURED: {
    status: 503,
    message: 'region {region} has no {service} backend configured',
  },
  SHUTTING_DOWN: { status: 503, message: 'Gatehouse is shutting down; retry shortly' },
  INTERNAL: { status: 500, message: 'internal error (request id {requestId})' },

  // Stack plugins: Gatehouse drives the stack's own Grafana (its URL and service-account token).
  GRAFANA_NOT_CONFIGURED: {
    status: 409,
    message:
      'stack {slug} has {missing}; set url (the Grafana root URL) and grafanaToken (a Grafana ' +
      'service account token) with POST /api/instances/{slug}',
  },
  GRAFANA_REFUSED: {
    status: 409,
    message: 'the Grafana of stack {slug} refused to {action}: {status} {reason}',
  },
  GRAFANA_UNAVAILABLE: {
    status: 503,
    message: 'the Grafana of stack {slug} could not {action}: {reason}',
  },
  PLUGIN_NOT_INSTALLED: {
    status: 404,
    message: 'plugin {plugin} is not installed on stack {slug}',
  },
  PLUGIN_UNKNOWN: {
    status: 404,
    message: 'the Grafana of stack {slug} found no plugin {plugin} {version} to install: {reason}',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;
