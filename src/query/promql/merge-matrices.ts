/** One series of a Prometheus `matrix` result (HTTP API v1). */
export interface PromMatrixSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  histograms?: [number, unknown][];
}

/**
 * Merges the answers of a fanned-out bare range selector (one query per policy selector). A
 * series matching several selectors appears in several answers with the same samples; it is kept
 * once, identified by its full label set including `__name__`, with the union of its samples.
 */
export function mergeMatrixResults(results: PromMatrixSeries[][]): PromMatrixSeries[] {
  const merged = new Map<string, PromMatrixSeries>();
  for (const series of results.flat()) {
    const key = seriesKey(series.metric);
    const seen = merged.get(key);
    merged.set(key, seen ? mergeSeries(seen, series) : series);
  }
  return [...merged.values()];
}

function seriesKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function mergeSeries(a: PromMatrixSeries, b: PromMatrixSeries): PromMatrixSeries {
  const out: PromMatrixSeries = { metric: a.metric };
  const values = mergePoints(a.values, b.values);
  const histograms = mergePoints(a.histograms, b.histograms);
  if (values) {
    out.values = values;
  }
  if (histograms) {
    out.histograms = histograms;
  }
  return out;
}

function mergePoints<T>(a?: [number, T][], b?: [number, T][]): [number, T][] | undefined {
  if (!a && !b) {
    return undefined;
  }
  const byTime = new Map<number, [number, T]>();
  for (const point of [...(a ?? []), ...(b ?? [])]) {
    byTime.set(point[0], byTime.get(point[0]) ?? point);
  }
  return [...byTime.values()].sort((x, y) => x[0] - y[0]);
}
