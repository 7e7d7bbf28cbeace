import type { LokiPushFormat } from './push-content.js';
import type { StreamLabels } from './stream-labels.js';

/** What a checked push body carries. */
export interface LokiPushSummary {
  format: LokiPushFormat;
  streams: number;
  entries: number;
  /** Each stream's labels in body order; two streams may carry the same set. */
  labelSets: StreamLabels[];
  /** Size once Content-Encoding and snappy are undone. */
  decodedBytes: number;
}

interface SummarySource {
  format: LokiPushFormat;
  payload: Buffer;
  push: { streams: readonly { labels: StreamLabels }[]; entries: number };
}

export function summarizeLokiPush(body: SummarySource): LokiPushSummary {
  return {
    format: body.format,
    streams: body.push.streams.length,
    entries: body.push.entries,
    labelSets: body.push.streams.map((stream) => stream.labels),
    decodedBytes: body.payload.length,
  };
}
