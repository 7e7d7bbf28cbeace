import type { LabelMatcher, Selector } from '../../src/model/label-matcher.js';

/**
 * The deterministic dataset behind the differential tests. Everything is integral and aligned:
 * samples every 15 s from T0 and counters growing at a constant integer rate per series, so at
 * aligned evaluation times rate(), irate() and increase() are exact integers. That keeps answers
 * bit-for-bit comparable even where an `or` union hands an aggregation its series in another
 * order than a plain selector does (float addition is not associative).
 */
export const T0 = 1_699_999_200;
export const stepSeconds = 15;
export const sampleCount = 161; // T0 .. T0 + 40 min
export const dataEnd = T0 + (sampleCount - 1) * stepSeconds;

export type Labels = Record<string, string>;

export interface Series {
  labels: Labels; // includes __name__
  samples: [number, number][]; // [unix seconds, value]
}

const namespaces = ['team-a', 'team-b', 'team-c'];
const envs = ['prod', 'dev', undefined]; // undefined: the series has no env label
const jobs = ['api', 'web', 'ingest(v2)'];

/** A label value that needs escaping in PromQL and in label_replace replacements. */
export const awkwardPath = 'C:\\logs\\"new"$1\nend';

interface Combo {
  namespace: string;
  env: string | undefined;
  job: string;
}

function combos(): Combo[] {
  return namespaces.flatMap((namespace) =>
    envs.flatMap((env) => jobs.map((job) => ({ namespace, env, job }))),
  );
}

function baseLabels(name: string, combo: Combo, instanceSuffix: string): Labels {
  const labels: Labels = { __name__: name, namespace: combo.namespace, job: combo.job };
  if (combo.env !== undefined) {
    labels.env = combo.env;
  }
  labels.instance = `${combo.namespace}-${combo.job}-${combo.env ?? 'none'}${instanceSuffix}`;
  return labels;
}

function times(count = sampleCount): number[] {
  return Array.from({ length: count }, (_, k) => T0 + k * stepSeconds);
}

/**
 * Counter: grows by 15 * rate per sample, so rate() is the integer `rate` and sums of rates are
 * exact in any order. A resetting series restarts at one increment, so no increase is lost.
 */
function counter(rate: number, resets: boolean): [number, number][] {
  let value = 0;
  return times().map((t, k) => {
    value = resets && k === 80 ? 15 * rate : value + 15 * rate;
    return [t, value];
  });
}

/** Gauge: distinct per series (the 1000s) and moving over time, so topk has no ties. */
function gauge(index: number): [number, number][] {
  return times().map((t, k) => [t, 1000 * (index + 1) + ((k * 7) % 97)]);
}

function memorySeries(): Series[] {
  return combos().map((combo, i) => ({
    labels: baseLabels('memory_bytes', combo, ':9100'),
    samples: gauge(i),
  }));
}

function requestSeries(): Series[] {
  return combos().map((combo, i) => ({
    labels: baseLabels('http_requests_total', combo, ':8080'),
    samples: counter(i + 1, i === 5),
  }));
}

/** Two metrics with identical label sets: only __name__ tells them apart. */
function queueSeries(): Series[] {
  const apiCombos = combos().filter((combo) => combo.job === 'api');
  return apiCombos.flatMap((combo, i) => [
    {
      labels: baseLabels('queue_depth_a', combo, ':7000'),
      samples: times().map((t, k): [number, number] => [t, 10 * (i + 1) + (k % 5)]),
    },
    {
      labels: baseLabels('queue_depth_b', combo, ':7000'),
      samples: times().map((t, k): [number, number] => [t, 10 * (i + 1) + 5 + (k % 3)]),
    },
  ]);
}

/** Only the first 15 minutes: absent_over_time and staleness have something to find. */
function sparseSeries(): Series[] {
  const webCombos = combos().filter((combo) => combo.job === 'web');
  return webCombos.map((combo, i) => ({
    labels: baseLabels('sparse_gauge', combo, ':9200'),
    samples: times(61).map((t, k): [number, number] => [t, 100 * (i + 1) + k]),
  }));
}

function cpuSeries(): Series[] {
  const noEnv = combos().filter((combo) => combo.env === undefined);
  return noEnv.map((combo, i) => ({
    labels: baseLabels('cpu_seconds_total', combo, ':9300'),
    samples: counter(i + 30, false),
  }));
}

function buildInfoSeries(): Series[] {
  const owners: [string, string, string, string][] = [
    ['team-a', 'api', '1.0.0', '/srv/api'],
    ['team-b', 'web', '2.1.0', awkwardPath],
    ['team-c', 'ingest(v2)', '3.2.1', '/srv/ingest'],
  ];
  return owners.map(([namespace, job, version, path]) => ({
    labels: { __name__: 'build_info', namespace, job, version, path },
    samples: times().map((t): [number, number] => [t, 1]),
  }));
}

export function datasetSeries(): Series[] {
  return [
    ...requestSeries(),
    ...memorySeries(),
    ...queueSeries(),
    ...sparseSeries(),
    ...cpuSeries(),
    ...buildInfoSeries(),
  ];
}

/** OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`. */
export function toOpenMetrics(series: readonly Series[]): string {
  const lines: string[] = [];
  const byName = new Map<string, Series[]>();
  for (const one of series) {
    const name = one.labels.__name__ ?? '';
    byName.set(name, [...(byName.get(name) ?? []), one]);
  }

  for (const [name, members] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const member of members) {
      const labels = formatLabels(member.labels);
      for (const [t, v] of member.samples) {
        lines.push(`${name}${labels} ${v} ${t}`);
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels)
    .filter(([name]) => name !== '__name__')
    .map(([name, value]) => `${name}="${escapeOpenMetrics(value)}"`);
  return `{${pairs.join(',')}}`;
}

function escapeOpenMetrics(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Whether a series matches one selector, written independently of the rewriter: a missing label
 * reads as "", regexes are anchored as Prometheus anchors them (2.42: ^(?:re)$, `.` excludes \n).
 */
export function seriesMatches(labels: Labels, selector: Selector): boolean {
  return selector.every((matcher) => matcherAccepts(labels[matcher.name] ?? '', matcher));
}

function matcherAccepts(value: string, matcher: LabelMatcher): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(value);
    case '!~':
      return !new RegExp(`^(?:${matcher.value})$`).test(value);
    default: {
      const never: never = matcher.op;
      throw new Error(`unknown op ${String(never)}`);
    }
  }
}

/** The series a reader with this scope may see: those matching at least one selector. */
export function visibleSeries(series: readonly Series[], scope: readonly Selector[]): Series[] {
  return series.filter((one) => scope.some((selector) => seriesMatches(one.labels, selector)));
}
