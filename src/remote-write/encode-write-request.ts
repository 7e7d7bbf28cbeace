import {
  exemplarField,
  histogramField,
  labelField,
  metadataField,
  sampleField,
  timeSeriesField,
  wireType,
  writeRequestField,
} from './prompb-fields.js';
import { ProtoWriter } from './proto-writer.js';

export interface TestSample {
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export interface TestExemplar extends TestSample {
  labels?: Record<string, string>;
}

/** An integer native histogram reduced to the fields tests need; no buckets. */
export interface TestHistogram {
  count: number;
  sum: number;
  schema: number;
  timestamp: number;
}

export interface TestSeries {
  labels: Record<string, string>;
  samples: TestSample[];
  exemplars?: TestExemplar[];
  histograms?: TestHistogram[];
}

export interface TestMetadata {
  /** prompb MetricMetadata.MetricType: 1 counter, 2 gauge, 3 histogram, 5 summary ... */
  type: number;
  metricFamilyName: string;
  help?: string;
  unit?: string;
}

/**
 * Encodes a `prometheus.WriteRequest` for tests, the demo and benchmarks. Labels are written
 * sorted by name in byte order, as remote write 1.0 requires of senders.
 */
export function encodeWriteRequest(series: TestSeries[], metadata: TestMetadata[] = []): Buffer {
  const writer = new ProtoWriter();
  for (const one of series)
    writer.message(writeRequestField.timeseries, (w) => writeSeries(w, one));
  for (const one of metadata)
    writer.message(writeRequestField.metadata, (w) => writeMetadata(w, one));

  return writer.finish();
}

function writeSeries(writer: ProtoWriter, series: TestSeries): void {
  writeLabels(writer, timeSeriesField.labels, series.labels);
  for (const sample of series.samples) {
    writer.message(timeSeriesField.samples, (w) =>
      w.double(sampleField.value, sample.value).int64(sampleField.timestamp, sample.timestamp),
    );
  }

  for (const exemplar of series.exemplars ?? []) {
    writer.message(timeSeriesField.exemplars, (w) => writeExemplar(w, exemplar));
  }
  for (const histogram of series.histograms ?? []) {
    writer.message(timeSeriesField.histograms, (w) => writeHistogram(w, histogram));
  }
}

function writeLabels(writer: ProtoWriter, field: number, labels: Record<string, string>): void {
  const sorted = Object.entries(labels).sort(([a], [b]) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  for (const [name, value] of sorted) {
    writer.message(field, (w) => w.string(labelField.name, name).string(labelField.value, value));
  }
}

function writeExemplar(writer: ProtoWriter, exemplar: TestExemplar): void {
  writeLabels(writer, exemplarField.labels, exemplar.labels ?? {});
  writer
    .double(exemplarField.value, exemplar.value)
    .int64(exemplarField.timestamp, exemplar.timestamp);
}

function writeHistogram(writer: ProtoWriter, histogram: TestHistogram): void {
  writer
    .tag(histogramField.countInt, wireType.varint)
    .varint(histogram.count)
    .double(histogramField.sum, histogram.sum)
    .sint(histogramField.schema, histogram.schema)
    .int64(histogramField.timestamp, histogram.timestamp);
}

function writeMetadata(writer: ProtoWriter, metadata: TestMetadata): void {
  writer.tag(metadataField.type, wireType.varint).varint(metadata.type);
  writer.string(metadataField.metricFamilyName, metadata.metricFamilyName);
  if (metadata.help !== undefined) writer.string(metadataField.help, metadata.help);
  if (metadata.unit !== undefined) writer.string(metadataField.unit, metadata.unit);
}
