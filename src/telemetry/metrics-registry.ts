/**
 * A minimal Prometheus text-format registry for Gatehouse's own /metrics: counters and
 * histograms with labels. Small enough not to need a dependency.
 */
type LabelValues = Record<string, string>;

const defaultBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Counter {
  readonly #values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: LabelValues, by = 1): void {
    const key = labelKey(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.#values) lines.push(`${this.name}${key} ${value}`);
    return lines.join('\n');
  }
}

interface HistogramSeries {
  labels: LabelValues;
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram {
  readonly #series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = defaultBuckets,
  ) {}

  observe(labels: LabelValues, value: number): void {
    const key = labelKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }

    this.buckets.forEach((bound, index) => {
      if (value <= bound) series.counts[index] = (series.counts[index] ?? 0) + 1;
    });
    series.sum += value;
    series.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const series of this.#series.values()) lines.push(...this.#renderSeries(series));
    return lines.join('\n');
  }

  #renderSeries(series: HistogramSeries): string[] {
    const lines = this.buckets.map(
      (bound, index) =>
        `${this.name}_bucket${labelKey({ ...series.labels, le: String(bound) })} ${series.counts[index]}`,
    );
    lines.push(`${this.name}_bucket${labelKey({ ...series.labels, le: '+Inf' })} ${series.count}`);
    lines.push(`${this.name}_sum${labelKey(series.labels)} ${series.sum}`);
    lines.push(`${this.name}_count${labelKey(series.labels)} ${series.count}`);
    return lines;
  }
}

export class MetricsRegistry {
  readonly requests = new Counter('gatehouse_requests_total', 'Requests by route and status code.');
  readonly denials = new Counter(
    'gatehouse_denied_requests_total',
    'Requests refused with a 4xx, by error code (auth, scope, bad input).',
  );
  readonly duration = new Histogram(
    'gatehouse_request_duration_seconds',
    'Request latency by route.',
  );
  readonly upstreamErrors = new Counter(
    'gatehouse_upstream_errors_total',
    'Requests whose backend call failed (502/504), by error code and route.',
  );

  render(): string {
    return (
      [this.requests, this.denials, this.duration, this.upstreamErrors]
        .map((metric) => metric.render())
        .join('\n') + '\n'
    );
  }
}

function labelKey(labels: LabelValues): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';

  const body = entries.map(
    ([name, value]) =>
      `${name}="${value.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`,
  );
  return `{${body.join(',')}}`;
}
