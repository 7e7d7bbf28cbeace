import { decodePushBody } from './decode-push-body.js';
import { inspectPushRequest, type ProtoPush } from './inspect-push-request.js';
import type { LokiPushLimits } from './loki-push-limits.js';
import { readPushContent } from './push-content.js';
import { readJsonPush, type JsonPush } from './read-json-push.js';

/** A push body decoded and checked: the decoded bytes and what they hold, per format. */
export type LokiPushBody =
  | { format: 'json'; payload: Buffer; push: JsonPush }
  | { format: 'protobuf'; payload: Buffer; push: ProtoPush };

/** Headers first, then decompression within the limits, then the format's own checks. */
export function readLokiPush(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  limits: LokiPushLimits,
): LokiPushBody {
  const content = readPushContent(contentType, contentEncoding);
  const payload = decodePushBody(body, content, limits);

  if (content.format === 'json') return { format: 'json', payload, push: readJsonPush(payload) };
  return { format: 'protobuf', payload, push: inspectPushRequest(payload) };
}
