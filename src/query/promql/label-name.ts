import { quotePromqlString } from './promql-string.js';

/** Label names every Prometheus accepts unquoted (model.LabelNameRE before UTF-8 names). */
const classicLabelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Metric names every Prometheus accepts as an identifier (model.MetricNameRE). */
const classicMetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Words the PromQL lexers read as keywords, aggregators, operators or functions. A metric with
 * one of these names is printed as `{__name__="..."}` so no parser can mistake it.
 */
// prettier-ignore
const reservedWords = new Set([
  'inf', 'nan', 'bool', 'ignoring', 'on', 'group_left', 'group_right', 'offset', 'atan2', 'avg',
  'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile', 'limitk', 'limit_ratio',
  'stddev', 'stdvar', 'sum', 'topk', 'by', 'without', 'and', 'or', 'unless', 'start', 'end',
  'smoothed', 'anchored', 'fill', 'fill_left', 'fill_right', 'step', 'range', 'min_of', 'max_of',
]);

/** Function names of lezer-promql 0.315 and Prometheus 2.42 (grammar FunctionIdentifier). */
// prettier-ignore
const functionNames = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh',
  'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh',
  'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg',
  'delta', 'deriv', 'double_exponential_smoothing', 'exp', 'first_over_time', 'floor',
  'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile',
  'histogram_quantiles', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'hour',
  'idelta', 'increase', 'info', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln',
  'log10', 'log2', 'mad_over_time', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi',
  'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round',
  'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_by_label', 'sort_by_label_desc', 'sort_desc',
  'sqrt', 'start_timestamp', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan',
  'tanh', 'time', 'timestamp', 'ts_of_first_over_time', 'ts_of_last_over_time',
  'ts_of_max_over_time', 'ts_of_min_over_time', 'vector', 'year', 'holt_winters',
]);

export function isClassicLabelName(name: string): boolean {
  return classicLabelName.test(name);
}

/** True when `name{...}` is a safe way to print a selector for this metric name. */
export function isPrintableMetricIdentifier(name: string): boolean {
  const lower = name.toLowerCase();
  return classicMetricName.test(name) && !reservedWords.has(lower) && !functionNames.has(lower);
}

/**
 * Label names are printed bare when classic and quoted otherwise. Prometheus 2.42 rejects quoted
 * names, so a non-classic name only works on a backend with UTF-8 label names (3.x).
 */
export function formatLabelName(name: string): string {
  return isClassicLabelName(name) ? name : quotePromqlString(name);
}
