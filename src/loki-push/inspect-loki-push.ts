import type { LokiPushLimits } from './loki-push-limits.js';
import { summarizeLokiPush, type LokiPushSummary } from './loki-push-summary.js';
import { readLokiPush } from './read-loki-push.js';

/**
 * Checks a body for Loki's `POST /loki/api/v1/push` and describes it, or throws a GatehouseError:
 * MEDIA_TYPE_UNSUPPORTED or ENCODING_UNSUPPORTED (415) for headers it cannot decode,
 * BODY_TOO_LARGE or BODY_DECODED_TOO_LARGE (413) past the limits, BODY_MALFORMED (400) for a
 * body that is not a push request with at least one stream, each with valid labels.
 */
export function inspectLokiPush(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  limits: LokiPushLimits,
): LokiPushSummary {
  return summarizeLokiPush(readLokiPush(body, contentType, contentEncoding, limits));
}
