import {
  exemplarField,
  labelField,
  sampleField,
  timeSeriesField,
  wireType,
  writeRequestField,
} from './prompb-fields.js';
import { malformedBody } from './malformed-body.js';
import { WireReader } from './wire-reader.js';

export interface WriteRequestSummary {
  series: number;
  samples: number;
  exemplars: number;
  histograms: number;
  metadata: number;
}

const LEN = wireType.lengthDelimited;

/**
 * Walks a decoded `prometheus.WriteRequest` and counts what it carries, failing with
 * BODY_MALFORMED on the first wire-format error. Labels, samples and exemplars are checked field
 * by field; histograms and metadata only as well-formed messages (their fields are not needed
 * to route or tenant a write). Unknown fields are skipped, as protobuf parsers do.
 */
export function inspectWriteRequest(raw: Uint8Array): WriteRequestSummary {
  const summary: WriteRequestSummary = {
    series: 0,
    samples: 0,
    exemplars: 0,
    histograms: 0,
    metadata: 0,
  };
  const reader = new WireReader(raw);
  const end = raw.length;

  while (reader.pos < end) {
    const tag = reader.tag(end);
    const field = tag >>> 3;
    const type = tag & 7;

    if (field === writeRequestField.timeseries) {
      reader.expect(type, LEN, 'WriteRequest.timeseries');
      inspectSeries(reader, reader.lengthEnd(end), summary);
    } else if (field === writeRequestField.metadata) {
      reader.expect(type, LEN, 'WriteRequest.metadata');
      inspectOpaque(reader, reader.lengthEnd(end));
      summary.metadata++;
    } else {
      reader.skip(type, end);
    }
  }

  return summary;
}

/**
 * Remote write 1.0 requires labels on every series ("the labels field is required"), and
 * tenancy by label has nothing to attach to otherwise, so a label-less series is refused.
 */
function inspectSeries(reader: WireReader, end: number, summary: WriteRequestSummary): void {
  const index = summary.series++;
  let labels = 0;

  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    switch (tag >>> 3) {
      case timeSeriesField.labels:
        reader.expect(type, LEN, 'TimeSeries.labels');
        inspectLabel(reader, reader.lengthEnd(end));
        labels++;
        break;
      case timeSeriesField.samples:
        reader.expect(type, LEN, 'TimeSeries.samples');
        inspectSample(reader, reader.lengthEnd(end));
        summary.samples++;
        break;
      case timeSeriesField.exemplars:
        reader.expect(type, LEN, 'TimeSeries.exemplars');
        inspectExemplar(reader, reader.lengthEnd(end));
        summary.exemplars++;
        break;
      case timeSeriesField.histograms:
        reader.expect(type, LEN, 'TimeSeries.histograms');
        inspectOpaque(reader, reader.lengthEnd(end));
        summary.histograms++;
        break;
      default:
        reader.skip(type, end);
    }
  }

  if (labels === 0) throw malformedBody(`series ${index} has no labels`);
}

/**
 * proto3 omits empty strings, so an absent name and an empty one are the same: a label without
 * a name. A repeated name or value field is refused too: parsers keep the last occurrence, and
 * forceLabel must never see a different name than the backend will.
 */
function inspectLabel(reader: WireReader, end: number): void {
  let names = 0;
  let values = 0;
  let nameLength = 0;

  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    if (tag >>> 3 === labelField.name) {
      reader.expect(type, LEN, 'Label.name');
      const nameEnd = reader.lengthEnd(end);
      nameLength = nameEnd - reader.pos;
      reader.pos = nameEnd;
      names++;
    } else if (tag >>> 3 === labelField.value) {
      reader.expect(type, LEN, 'Label.value');
      reader.pos = reader.lengthEnd(end);
      values++;
    } else {
      reader.skip(type, end);
    }
  }

  if (names === 0 || nameLength === 0) throw malformedBody(`label without name before byte ${end}`);
  if (names > 1 || values > 1)
    throw malformedBody(`label with a repeated name or value before byte ${end}`);
}

/** Tag bytes of Sample.value (field 1, fixed64) and Sample.timestamp (field 2, varint). */
const SAMPLE_VALUE_TAG = 0x09;
const SAMPLE_TIMESTAMP_TAG = 0x10;

function inspectSample(reader: WireReader, end: number): void {
  if (isCanonicalSample(reader, end)) return;

  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    if (tag >>> 3 === sampleField.value) {
      reader.expect(type, wireType.fixed64, 'Sample.value');
    } else if (tag >>> 3 === sampleField.timestamp) {
      reader.expect(type, wireType.varint, 'Sample.timestamp');
    }
    reader.skip(type, end);
  }
}

/**
 * Fast path for the layout every sender produces, value then timestamp and nothing else; the
 * field-by-field walk remains the authority for anything else.
 */
function isCanonicalSample(reader: WireReader, end: number): boolean {
  const start = reader.pos;
  const buf = reader.buf;
  if (
    end - start < 11 ||
    buf[start] !== SAMPLE_VALUE_TAG ||
    buf[start + 9] !== SAMPLE_TIMESTAMP_TAG
  ) {
    return false;
  }

  reader.pos = start + 10;
  reader.skipVarint(end);
  if (reader.pos === end) return true;

  reader.pos = start;
  return false;
}

/** Exemplar labels are optional, but each one present must be a valid label. */
function inspectExemplar(reader: WireReader, end: number): void {
  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    switch (tag >>> 3) {
      case exemplarField.labels:
        reader.expect(type, LEN, 'Exemplar.labels');
        inspectLabel(reader, reader.lengthEnd(end));
        break;
      case exemplarField.value:
        reader.expect(type, wireType.fixed64, 'Exemplar.value');
        reader.skip(type, end);
        break;
      case exemplarField.timestamp:
        reader.expect(type, wireType.varint, 'Exemplar.timestamp');
        reader.skip(type, end);
        break;
      default:
        reader.skip(type, end);
    }
  }
}

/** Checks that a message is a well-formed sequence of fields without interpreting them. */
function inspectOpaque(reader: WireReader, end: number): void {
  while (reader.pos < end) {
    const tag = reader.tag(end);
    reader.skip(tag & 7, end);
  }
}
