import { NS, type FakeEntry, type FakeStream } from './fake-stream.js';
import { BadRequest } from './loki-answer.js';

/** A read's time range, [start, end) in Unix nanoseconds. */
export interface TimeRange {
  start: bigint;
  end: bigint;
}

/** Without `start` a read looks at all time; without `end`, up to now. */
export function timeRange(params: URLSearchParams): TimeRange {
  const end = params.has('end')
    ? parseTime(params.get('end') ?? '')
    : BigInt(Date.now()) * 1_000_000n;
  const start = params.has('start') ? parseTime(params.get('start') ?? '') : 0n;
  return { start, end };
}

/** Loki's loghttp timestamps: float seconds, up to 10 digits of seconds, nanoseconds, RFC 3339. */
export function parseTime(value: string): bigint {
  if (/^\d+\.\d*$/.test(value)) return BigInt(Math.round(Number(value) * 1e6)) * 1000n;
  if (/^\d+$/.test(value)) return value.length <= 10 ? BigInt(value) * NS : BigInt(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new BadRequest(`invalid timestamp ${JSON.stringify(value)}`);
  return BigInt(ms) * 1_000_000n;
}

export function entriesIn(streams: FakeStream[], range: TimeRange): FakeEntry[] {
  return streams.flatMap((s) => s.entries.filter((e) => e.ts >= range.start && e.ts < range.end));
}
