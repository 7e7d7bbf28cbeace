import { inspectWriteRequest } from './inspect-write-request.js';
import {
  labelField,
  lengthDelimitedTag,
  timeSeriesField,
  writeRequestField,
} from './prompb-fields.js';
import { WireReader } from './wire-reader.js';

const SERIES_TAG = lengthDelimitedTag(writeRequestField.timeseries);
const LABEL_TAG = lengthDelimitedTag(timeSeriesField.labels);
const NAME_TAG = lengthDelimitedTag(labelField.name);
const VALUE_TAG = lengthDelimitedTag(labelField.value);

/** A series length varint (1 to 5 bytes) grows by less than this when a label is added. */
const MAX_HEADER_GROWTH = 5;

/**
 * Tenancy "label" mode: every series gets `name=value`; any label of that name the client sent
 * is dropped. The forced label goes where sorting puts it, because remote write 1.0 requires
 * labels sorted by name (byte order, as Go compares strings). Everything else, samples,
 * exemplars, histograms, unknown fields and metadata, is copied byte for byte.
 *
 * The body is validated first, so the rewrite below can trust every tag and length.
 */
export function forceLabel(raw: Uint8Array, name: string, value: string): Buffer {
  const forced = new ForcedLabel(name, value);
  const { series } = inspectWriteRequest(raw);
  const out = Buffer.allocUnsafe(raw.length + series * (forced.entry.length + MAX_HEADER_GROWTH));

  const written = new SeriesRewriter(raw, out, forced).rewrite();
  if (written > out.length) throw new Error('forceLabel overran its output bound');

  return out.subarray(0, written);
}

/** The forced label, pre-encoded once as a complete `TimeSeries.labels` entry. */
class ForcedLabel {
  readonly name: Buffer;
  readonly entry: Buffer;

  constructor(name: string, value: string) {
    // Config, not request input: an empty name or value would be dropped by the backend.
    if (name === '' || value === '') {
      throw new RangeError('forceLabel needs a non-empty name and value');
    }

    this.name = Buffer.from(name, 'utf8');
    const label = Buffer.concat([
      field(NAME_TAG, this.name),
      field(VALUE_TAG, Buffer.from(value, 'utf8')),
    ]);
    this.entry = field(LABEL_TAG, label);
  }
}

function field(tag: number, payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(10);
  const afterTag = writeVarint(header, 0, tag);
  const size = writeVarint(header, afterTag, payload.length);
  return Buffer.concat([header.subarray(0, size), payload]);
}

/** Writes a varint (below 2^32) at `pos` and returns the position after it. */
function writeVarint(out: Uint8Array, pos: number, value: number): number {
  let rest = value;
  let at = pos;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 128);
  }
  out[at++] = rest;
  return at;
}

/**
 * Streams the request into `out`, copying untouched byte runs in one piece and only breaking a
 * run where a series header changes, a spoofed label is dropped, or the forced label goes in.
 */
class SeriesRewriter {
  private readonly reader: WireReader;
  /** A second cursor, so reading a label name does not disturb the walk over its series. */
  private readonly probe: WireReader;
  private o = 0;
  private runStart = 0;

  constructor(
    private readonly raw: Uint8Array,
    private readonly out: Buffer,
    private readonly forced: ForcedLabel,
  ) {
    this.reader = new WireReader(raw);
    this.probe = new WireReader(raw);
  }

  rewrite(): number {
    const end = this.raw.length;
    const reader = this.reader;

    while (reader.pos < end) {
      const fieldStart = reader.pos;
      const tag = reader.tag(end);
      if (tag === SERIES_TAG) {
        this.flushTo(fieldStart);
        this.rewriteSeries(reader.lengthEnd(end));
      } else {
        reader.skip(tag & 7, end);
      }
    }

    this.flushTo(end);
    return this.o;
  }

  private rewriteSeries(end: number): void {
    const start = this.reader.pos;
    const length = end - start - this.droppedBytes(start, end) + this.forced.entry.length;
    this.out[this.o++] = SERIES_TAG;
    this.o = writeVarint(this.out, this.o, length);

    this.runStart = start;
    this.copySeries(start, end);
    this.reader.pos = end;
  }

  /** Bytes taken by client-sent labels of the forced name, which the copy will leave out. */
  private droppedBytes(start: number, end: number): number {
    const reader = this.reader;
    let dropped = 0;
    reader.pos = start;

    while (reader.pos < end) {
      const entryStart = reader.pos;
      const tag = reader.tag(end);
      reader.skip(tag & 7, end);
      if (tag === LABEL_TAG && this.compareLabel(entryStart, reader.pos) === 0) {
        dropped += reader.pos - entryStart;
      }
    }

    return dropped;
  }

  /**
   * The forced label goes before the first label named after it, or right after the label
   * fields if none is; a series whose labels are not sorted stays as unsorted as it came.
   */
  private copySeries(start: number, end: number): void {
    const reader = this.reader;
    let inserted = false;
    let seenLabel = false;
    reader.pos = start;

    while (reader.pos < end) {
      const entryStart = reader.pos;
      const tag = reader.tag(end);
      reader.skip(tag & 7, end);

      if (tag !== LABEL_TAG) {
        if (seenLabel && !inserted) inserted = this.insertBefore(entryStart);
        continue;
      }

      seenLabel = true;
      const order = this.compareLabel(entryStart, reader.pos);
      if (order === 0) this.drop(entryStart, reader.pos);
      else if (order > 0 && !inserted) inserted = this.insertBefore(entryStart);
    }

    this.flushTo(end);
    if (!inserted) this.insertForced();
  }

  /** Compares the name of the label entry at [start, end) with the forced name, byte-wise. */
  private compareLabel(start: number, end: number): number {
    const probe = this.probe;
    probe.pos = start;
    probe.tag(end);
    const labelEnd = probe.lengthEnd(end);

    while (probe.pos < labelEnd) {
      const tag = probe.tag(labelEnd);
      if (tag === NAME_TAG) {
        const nameEnd = probe.lengthEnd(labelEnd);
        return compareBytes(this.raw, probe.pos, nameEnd, this.forced.name);
      }
      probe.skip(tag & 7, labelEnd);
    }

    return -1; // unreachable after inspectWriteRequest: every label has a name
  }

  private insertBefore(position: number): true {
    this.flushTo(position);
    this.insertForced();
    return true;
  }

  private drop(start: number, end: number): void {
    this.flushTo(start);
    this.runStart = end;
  }

  private insertForced(): void {
    this.forced.entry.copy(this.out, this.o);
    this.o += this.forced.entry.length;
  }

  private flushTo(position: number): void {
    const length = position - this.runStart;
    if (length > 0) {
      this.out.set(this.raw.subarray(this.runStart, position), this.o);
      this.o += length;
    }
    this.runStart = position;
  }
}

function compareBytes(buf: Uint8Array, start: number, end: number, other: Uint8Array): number {
  const length = Math.min(end - start, other.length);
  for (let i = 0; i < length; i++) {
    const diff = (buf[start + i] as number) - (other[i] as number);
    if (diff !== 0) return diff;
  }

  return end - start - other.length;
}
