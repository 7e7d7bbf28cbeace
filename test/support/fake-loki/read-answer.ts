import { detectedFields, detectedFieldValues, detectedLabels } from './detected-answers.js';
import type { FakeStream } from './fake-stream.js';
import { indexStats, seriesAnswer, volumeAnswer } from './index-answers.js';
import { json, sortedUnique, text, type LokiAnswer } from './loki-answer.js';
import { required, v1 } from './loki-request.js';
import { patternsAnswer } from './patterns-answer.js';
import { queryAnswer } from './query-answer.js';
import { matchesAll, parseSelectorOnly } from './stream-selector.js';
import { timeRange, type TimeRange } from './time-range.js';

/** The streams in range, of those matching the selector `query` when one is given. */
type Selected = (query: string | null) => FakeStream[];

/** The answer to a read endpoint over `streams` (the tenant's, or a restricted set of them). */
export function readAnswer(
  path: string,
  params: URLSearchParams,
  streams: FakeStream[],
): LokiAnswer {
  const range = timeRange(params);
  const inRange = (s: FakeStream) => s.entries.some((e) => e.ts >= range.start && e.ts < range.end);
  const selected: Selected = (query) =>
    streams.filter((s) => inRange(s) && (!query || matchesAll(s.labels, parseSelectorOnly(query))));

  const labelValues = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
  if (labelValues)
    return labelValuesAnswer(decodeURIComponent(labelValues[1] ?? ''), params, selected);
  const fieldValues = /^\/loki\/api\/v1\/detected_field\/([^/]+)\/values$/.exec(path);
  if (fieldValues)
    return detectedFieldValues(decodeURIComponent(fieldValues[1] ?? ''), params, streams, range);

  return fixedPathAnswer(path, params, streams, { range, inRange, selected });
}

function labelValuesAnswer(name: string, params: URLSearchParams, selected: Selected) {
  const values = selected(params.get('query')).flatMap((s) =>
    s.labels[name] === undefined ? [] : [s.labels[name] as string],
  );
  return json(200, { status: 'success', data: sortedUnique(values) });
}

interface ReadScope {
  range: TimeRange;
  inRange: (stream: FakeStream) => boolean;
  selected: Selected;
}

function fixedPathAnswer(
  path: string,
  params: URLSearchParams,
  streams: FakeStream[],
  { range, inRange, selected }: ReadScope,
): LokiAnswer {
  switch (path) {
    case `${v1}/query`:
    case `${v1}/query_range`:
      return queryAnswer(path.endsWith('range'), params, streams, range);
    case `${v1}/labels`:
    case `${v1}/label`: {
      const names = selected(params.get('query')).flatMap((s) => Object.keys(s.labels));
      return json(200, { status: 'success', data: sortedUnique(names) });
    }
    case `${v1}/series`:
      return seriesAnswer(params, streams.filter(inRange));
    case `${v1}/index/stats`:
      return json(200, indexStats(selected(params.get('query')), range));
    case `${v1}/index/volume`:
    case `${v1}/index/volume_range`:
      return volumeAnswer(
        path.endsWith('range'),
        params,
        selected(required(params, 'query')),
        range,
      );
    case `${v1}/detected_labels`:
      return json(200, { detectedLabels: detectedLabels(selected(params.get('query'))) });
    case `${v1}/detected_fields`:
      return detectedFields(params, streams, range);
    case `${v1}/patterns`:
      return patternsAnswer(params, streams, range);
    case `${v1}/format_query`:
      return json(200, { status: 'success', data: required(params, 'query').replace(/\s+/g, ' ') });
    default:
      return text(404, '404 page not found');
  }
}
