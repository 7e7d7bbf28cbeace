import type { FakeStream, Labels } from './fake-stream.js';
import { parseLogQuery } from './log-query.js';
import { BadRequest, json, sortedUnique } from './loki-answer.js';
import { required } from './loki-request.js';
import { matchesAll } from './stream-selector.js';
import { entriesIn, type TimeRange } from './time-range.js';

/** `detected_labels`: every stream label with its number of distinct values. */
export function detectedLabels(streams: FakeStream[]) {
  const values = new Map<string, Set<string>>();
  for (const stream of streams) {
    for (const [name, value] of Object.entries(stream.labels))
      values.set(name, (values.get(name) ?? new Set()).add(value));
  }
  return [...values]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, set]) => ({ label, cardinality: set.size }));
}

export function detectedFields(params: URLSearchParams, streams: FakeStream[], range: TimeRange) {
  const fields = [...fieldsOf(params, streams, range)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, field]) => ({
      label,
      type: [...field.values].every((v) => /^-?\d+$/.test(v)) ? 'int' : 'string',
      cardinality: field.values.size,
      parsers: [field.parser],
    }));
  return json(200, { fields, fieldLimit: 1000 });
}

export function detectedFieldValues(
  name: string,
  params: URLSearchParams,
  streams: FakeStream[],
  range: TimeRange,
) {
  const field = fieldsOf(params, streams, range).get(name);
  return json(200, { values: sortedUnique([...(field?.values ?? [])]) });
}

/** Fields of the lines the query's selector and line filters pick: JSON keys or logfmt keys. */
function fieldsOf(params: URLSearchParams, streams: FakeStream[], range: TimeRange) {
  const parsed = parseLogQuery(required(params, 'query'));
  if (!parsed) throw new BadRequest('detected fields need a log query');

  const fields = new Map<string, { values: Set<string>; parser: string }>();
  for (const stream of streams.filter((s) => matchesAll(s.labels, parsed.matchers))) {
    for (const entry of entriesIn([stream], range)) {
      if (!parsed.filters.every((keep) => keep(entry.line))) continue;
      const [parser, found] = parseLine(entry.line);
      for (const [name, value] of Object.entries(found)) {
        const field = fields.get(name) ?? { values: new Set<string>(), parser };
        fields.set(name, { ...field, values: field.values.add(value) });
      }
    }
  }
  return fields;
}

function parseLine(line: string): [string, Labels] {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return ['json', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))];
  } catch {
    // not JSON: try logfmt below
  }
  const pairs = [...line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)];
  return [
    'logfmt',
    Object.fromEntries(pairs.map((m) => [m[1] ?? '', (m[2] ?? '').replace(/^"|"$/g, '')])),
  ];
}
