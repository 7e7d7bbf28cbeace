/**
 * Loki push bodies (`POST /loki/api/v1/push`, JSON or snappy protobuf): validation, tenant-label
 * forcing and a test encoder. Each lives in its own file; this module is where callers import them.
 */
export { inspectLokiPush } from './inspect-loki-push.js';
export { forceLokiTenantLabel, type ForcedLokiPush } from './force-loki-tenant-label.js';
export type { LokiPushSummary } from './loki-push-summary.js';
export type { LokiPushLimits } from './loki-push-limits.js';
export type { LokiPushFormat } from './push-content.js';
export type { StreamLabel, StreamLabels } from './stream-labels.js';
export { encodePushRequest, type TestEntry, type TestStream } from './encode-push-request.js';
