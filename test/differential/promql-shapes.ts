import type { Selector } from '../../src/model/label-matcher.js';
import { T0 } from './dataset.js';

export interface PromqlShape {
  name: string;
  query: string;
  /** The result is a range vector or a string: valid for instant queries only. */
  instantOnly?: boolean;
}

/**
 * Query shapes the rewrite must get exactly right, over the dataset in dataset.ts. The gateway's
 * end-to-end test reuses this table and the policies below.
 */
export const promqlShapes: readonly PromqlShape[] = [
  // Plain selectors, including matchers on the policed labels.
  { name: 'metric name only', query: 'memory_bytes' },
  { name: 'equality on the policed label', query: 'memory_bytes{namespace="team-b"}' },
  { name: 'regex on the policed label', query: 'memory_bytes{namespace=~"team-(a|b)"}' },
  { name: 'negative matcher on the policed label', query: 'memory_bytes{namespace!="team-a"}' },
  {
    name: 'negative regex on the policed label',
    query: 'memory_bytes{namespace!~"team-a|team-c"}',
  },
  { name: 'label must be missing', query: 'memory_bytes{env=""}' },
  { name: 'two negative matchers', query: 'memory_bytes{namespace!="team-a", env!="prod"}' },
  { name: 'value with regex metacharacters', query: 'http_requests_total{job="ingest(v2)"}' },
  { name: 'user regex with escapes', query: 'memory_bytes{job=~"ingest\\\\(v2\\\\)|web"}' },
  {
    name: 'value needing string escapes',
    query: 'build_info{path="C:\\\\logs\\\\\\"new\\"$1\\nend"}',
  },
  { name: 'name regex across metrics', query: '{__name__=~"queue_depth_.*"}' },
  { name: 'name regex with label', query: '{__name__=~"queue_depth_a|queue_depth_b", env="prod"}' },
  { name: 'every metric of a job', query: '{__name__=~".+", job="api"}' },
  { name: 'name matcher written as label', query: '{__name__="queue_depth_b", env!="dev"}' },

  // Aggregations.
  { name: 'sum', query: 'sum(memory_bytes)' },
  { name: 'sum by namespace', query: 'sum by (namespace) (memory_bytes)' },
  {
    name: 'sum without, grouping after the body',
    query: 'sum(memory_bytes) without (instance, job)',
  },
  { name: 'avg by env', query: 'avg by (env) (memory_bytes)' },
  { name: 'count', query: 'count(http_requests_total)' },
  { name: 'max by job', query: 'max by (job) (memory_bytes)' },
  { name: 'group by namespace', query: 'group by (namespace) (http_requests_total)' },
  { name: 'stddev', query: 'stddev(queue_depth_a)' },
  { name: 'quantile', query: 'quantile(0.9, memory_bytes)' },
  { name: 'topk', query: 'topk(3, memory_bytes)' },
  { name: 'bottomk by namespace', query: 'bottomk by (namespace) (1, memory_bytes)' },
  { name: 'count_values', query: 'count_values("depth", queue_depth_a)' },
  {
    name: 'count by name across metrics',
    query: 'count by (__name__) ({__name__=~"queue_depth_.*"})',
  },
  {
    name: 'topk with a parameter read from data',
    query: 'topk(scalar(min(queue_depth_a)) / 10, memory_bytes)',
  },

  // Range functions: the union moves up to the function.
  { name: 'rate', query: 'rate(http_requests_total[5m])' },
  { name: 'sum of rate by namespace', query: 'sum by (namespace) (rate(http_requests_total[5m]))' },
  { name: 'irate', query: 'irate(http_requests_total[1m])' },
  { name: 'increase over a reset', query: 'increase(http_requests_total[10m])' },
  { name: 'resets', query: 'resets(http_requests_total[30m])' },
  { name: 'changes', query: 'changes(queue_depth_b[5m])' },
  { name: 'delta', query: 'delta(memory_bytes[5m])' },
  { name: 'idelta', query: 'idelta(memory_bytes[1m])' },
  { name: 'deriv', query: 'deriv(memory_bytes[5m])' },
  { name: 'predict_linear', query: 'predict_linear(memory_bytes[5m], 600)' },
  { name: 'avg_over_time', query: 'avg_over_time(queue_depth_a[4m])' },
  { name: 'max_over_time', query: 'max_over_time(memory_bytes[10m])' },
  { name: 'quantile_over_time', query: 'quantile_over_time(0.5, memory_bytes[5m])' },
  {
    name: 'quantile_over_time with a parameter read from data',
    query: 'quantile_over_time(scalar(count(build_info)) / 4, memory_bytes[5m])',
  },
  { name: 'count_over_time on a sparse metric', query: 'count_over_time(sparse_gauge[20m])' },
  { name: 'present_over_time', query: 'present_over_time(sparse_gauge[10m])' },
  { name: 'stddev_over_time', query: 'stddev_over_time(queue_depth_b[2m])' },
  { name: 'last_over_time keeps the name', query: 'last_over_time(memory_bytes[5m])' },
  {
    name: 'last_over_time across metrics',
    query: 'last_over_time({__name__=~"queue_depth_.*"}[5m])',
  },
  { name: 'rate of a parenthesised range', query: 'rate((http_requests_total{env="prod"}[5m]))' },
  {
    name: 'sum by name of rate across metrics',
    query: 'sum by (__name__) (rate({__name__=~"http_requests_total|cpu_seconds_total"}[5m]))',
  },

  // absent and absent_over_time.
  { name: 'absent of a missing metric', query: 'absent(nonexistent_metric)' },
  {
    name: 'absent with user equality labels',
    query: 'absent(nonexistent_metric{namespace="team-b", job="api"})',
  },
  {
    name: 'absent of a namespace the policy may hide',
    query: 'absent(memory_bytes{namespace="team-c"})',
  },
  {
    name: 'absent with a regex on the policed label',
    query: 'absent(memory_bytes{namespace=~"team-c"})',
  },
  {
    name: 'absent with a dollar in the label value',
    query: 'absent(nonexistent_metric{path="C:\\\\x$1", job="web"})',
  },
  { name: 'absent with offset', query: 'absent(sparse_gauge{job="web", env="prod"} offset 20m)' },
  {
    name: 'absent of a parenthesised selector',
    query: 'absent((memory_bytes{job="api", env="dev"}))',
  },
  { name: 'absent of an expression', query: 'absent(sum(memory_bytes{env="dev"}))' },
  { name: 'absent_over_time', query: 'absent_over_time(sparse_gauge[5m])' },
  {
    name: 'absent_over_time with labels',
    query: 'absent_over_time(sparse_gauge{namespace="team-b", env="prod"}[5m])',
  },
  {
    name: 'absent_over_time over a long window',
    query: 'absent_over_time(sparse_gauge{job="web"}[30m])',
  },
  {
    name: 'absent_over_time of a subquery',
    query: 'absent_over_time(sparse_gauge{env="prod"}[5m:1m])',
  },

  // Set operators and vector matching.
  { name: 'or', query: 'memory_bytes{env="prod"} or memory_bytes{env="dev"}' },
  {
    name: 'or on',
    query:
      'sum by (namespace) (memory_bytes) or on (namespace) sum by (namespace) (cpu_seconds_total)',
  },
  { name: 'unless', query: 'memory_bytes unless memory_bytes{job="api"}' },
  { name: 'unless on', query: 'memory_bytes unless on (namespace, job) sparse_gauge' },
  { name: 'and ignoring', query: 'memory_bytes and ignoring (job, instance) queue_depth_a' },
  { name: 'and on nothing with a constant', query: 'memory_bytes and on () vector(1)' },
  {
    name: 'group_left',
    query: 'memory_bytes * on (namespace, job) group_left (version) build_info',
  },
  {
    name: 'group_right',
    query: 'build_info * on (namespace, job) group_right (version) memory_bytes',
  },
  {
    name: 'or with a fallback constant',
    query: 'sum(memory_bytes{namespace="team-c"}) or vector(0)',
  },

  // Arithmetic, comparison, functions.
  { name: 'division by a number', query: 'memory_bytes / 1024' },
  { name: 'comparison with bool', query: 'memory_bytes > bool 5000' },
  { name: 'filtering comparison', query: 'memory_bytes > 12000' },
  { name: 'unary minus with offset', query: '-memory_bytes offset 1m' },
  { name: 'minus a scalar read from data', query: 'memory_bytes - scalar(min(memory_bytes))' },
  { name: 'clamp_max', query: 'clamp_max(memory_bytes, 5000)' },
  {
    name: 'label_replace',
    query: 'label_replace(memory_bytes, "team", "$1", "namespace", "team-(.*)")',
  },
  { name: 'label_join', query: 'label_join(queue_depth_a, "where", "/", "namespace", "env")' },
  { name: 'timestamp of a selector', query: 'timestamp(sparse_gauge)' },
  { name: 'timestamp of a parenthesised selector', query: 'timestamp((memory_bytes{job="web"}))' },
  { name: 'sort_desc', query: 'sort_desc(memory_bytes)' },

  // Modifiers and subqueries.
  { name: 'offset', query: 'memory_bytes offset 5m' },
  { name: 'negative offset', query: 'memory_bytes offset -5m' },
  { name: '@ timestamp', query: `memory_bytes @ ${T0 + 1200}` },
  { name: '@ start()', query: 'sum(memory_bytes @ start())' },
  { name: 'rate with @ end()', query: 'rate(http_requests_total[5m] @ end())' },
  { name: 'rate with offset', query: 'rate(http_requests_total[5m] offset 10m)' },
  {
    name: '@ and offset together',
    query: `last_over_time(queue_depth_a[1m] @ ${T0 + 900} offset 1m)`,
  },
  { name: 'subquery of rate', query: 'max_over_time(rate(http_requests_total[1m])[10m:1m])' },
  { name: 'subquery with offset', query: 'avg_over_time(memory_bytes[10m:2m] offset 5m)' },
  { name: 'subquery with @ end()', query: 'sum_over_time(sum(memory_bytes)[5m:1m] @ end())' },

  // Range-vector results (fan-out) and queries without selectors.
  { name: 'bare range selector', query: 'memory_bytes[2m]', instantOnly: true },
  {
    name: 'bare range selector with offset',
    query: 'http_requests_total{job="api"}[1m] offset 1m',
    instantOnly: true,
  },
  {
    name: 'bare range selector across metrics',
    query: '{__name__=~"queue_depth_.*"}[1m]',
    instantOnly: true,
  },
  { name: 'top-level subquery', query: 'queue_depth_a[4m:1m]', instantOnly: true },
  { name: 'arithmetic only', query: '1 + 1' },
  { name: 'vector of a number', query: 'vector(1)' },
  { name: 'time()', query: 'time()' },
  { name: 'string literal', query: '"a string"', instantOnly: true },
];

export interface TestPolicy {
  name: string;
  scope: readonly Selector[];
}

/** Policies exercising each rewrite rule. */
export const testPolicies: readonly TestPolicy[] = [
  { name: 'one selector', scope: [[{ name: 'namespace', op: '=', value: 'team-a' }]] },
  {
    name: 'two selectors mergeable into a regex',
    scope: [
      [
        { name: 'job', op: '=', value: 'ingest(v2)' },
        { name: 'env', op: '=', value: 'prod' },
      ],
      [
        { name: 'job', op: '=', value: 'api' },
        { name: 'env', op: '=', value: 'prod' },
      ],
    ],
  },
  {
    name: 'three selectors that are not mergeable',
    scope: [
      [
        { name: 'namespace', op: '=', value: 'team-a' },
        { name: 'env', op: '=', value: 'prod' },
      ],
      [
        { name: 'namespace', op: '=', value: 'team-b' },
        { name: 'job', op: '=', value: 'web' },
      ],
      [
        { name: 'job', op: '=', value: 'web' },
        { name: 'env', op: '=', value: 'dev' },
      ],
    ],
  },
  {
    name: 'one selector with negative matchers',
    scope: [
      [
        { name: 'namespace', op: '!=', value: 'team-c' },
        { name: 'env', op: '!=', value: 'dev' },
      ],
    ],
  },
  {
    name: 'union including a regex selector',
    scope: [
      [
        { name: 'namespace', op: '=~', value: 'team-(a|b)' },
        { name: 'job', op: '=', value: 'api' },
      ],
      [{ name: 'env', op: '!~', value: 'prod|dev' }],
    ],
  },
  {
    // Two metrics differing only by name land on different sides of the `or`.
    name: 'union including a metric-name selector',
    scope: [
      [{ name: '__name__', op: '=', value: 'queue_depth_a' }],
      [
        { name: 'namespace', op: '=', value: 'team-b' },
        { name: 'env', op: '=', value: 'prod' },
      ],
    ],
  },
];
