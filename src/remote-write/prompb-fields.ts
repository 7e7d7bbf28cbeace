/**
 * Field numbers and wire types of Prometheus remote write 1.0 (`prompb/remote.proto` and
 * `prompb/types.proto` in the Prometheus repository). Field 2 of WriteRequest is reserved there
 * (Cortex used it), so it is skipped like any unknown field.
 */
export const wireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  startGroup: 3,
  endGroup: 4,
  fixed32: 5,
} as const;

export const writeRequestField = { timeseries: 1, metadata: 3 } as const;

export const timeSeriesField = { labels: 1, samples: 2, exemplars: 3, histograms: 4 } as const;

export const labelField = { name: 1, value: 2 } as const;

export const sampleField = { value: 1, timestamp: 2 } as const;

export const exemplarField = { labels: 1, value: 2, timestamp: 3 } as const;

export const histogramField = { countInt: 1, sum: 3, schema: 4, timestamp: 15 } as const;

export const metadataField = { type: 1, metricFamilyName: 2, help: 4, unit: 5 } as const;

/** The tag of a length-delimited field: `(field << 3) | 2`, as the protobuf encoding defines it. */
export function lengthDelimitedTag(field: number): number {
  return field * 8 + wireType.lengthDelimited;
}
