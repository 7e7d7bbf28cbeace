/**
 * How each PromQL function reads its arguments, as far as enforcement cares. A function that is
 * not listed is rejected: an unknown function may read series that no selector in the query names
 * (as `info()` does), so it fails closed.
 *
 * - `instant`: every argument is an ordinary expression; enforcing inside it is enough.
 * - `range`: argument `rangeArg` takes a range vector. A union of selectors cannot be a range
 *   vector, so the function is applied once per policy selector and the results are OR-ed.
 *   `keepsName` marks functions whose output keeps `__name__` (Prometheus 2.42 engine.go keeps it
 *   for last_over_time only; 3.x adds first_over_time).
 * - `absent` / `absentOverTime`: output labels come from the argument's `=` matchers.
 * - `timestamp`: Prometheus special-cases a (parenthesised) vector selector argument and returns
 *   the samples' own timestamps; around any other expression it returns the evaluation time.
 */
export type FunctionKind =
  | { kind: 'instant' }
  | { kind: 'range'; rangeArg: number; keepsName: boolean }
  | { kind: 'absent' }
  | { kind: 'absentOverTime' }
  | { kind: 'timestamp' };

const instant: FunctionKind = { kind: 'instant' };

function range(rangeArg = 0, keepsName = false): FunctionKind {
  return { kind: 'range', rangeArg, keepsName };
}

// prettier-ignore
const instantFunctions = [
  'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'clamp', 'clamp_max',
  'clamp_min', 'cos', 'cosh', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month',
  'deg', 'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction',
  'histogram_quantile', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'hour',
  'label_join', 'label_replace', 'ln', 'log10', 'log2', 'minute', 'month', 'pi', 'rad', 'round',
  'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_by_label', 'sort_by_label_desc', 'sort_desc',
  'sqrt', 'tan', 'tanh', 'time', 'vector', 'year',
];

const rangeFunctions: Record<string, FunctionKind> = {
  avg_over_time: range(),
  changes: range(),
  count_over_time: range(),
  delta: range(),
  deriv: range(),
  double_exponential_smoothing: range(),
  first_over_time: range(0, true),
  idelta: range(),
  increase: range(),
  irate: range(),
  last_over_time: range(0, true),
  mad_over_time: range(),
  max_over_time: range(),
  min_over_time: range(),
  predict_linear: range(),
  present_over_time: range(),
  quantile_over_time: range(1),
  rate: range(),
  resets: range(),
  stddev_over_time: range(),
  stdvar_over_time: range(),
  sum_over_time: range(),
  ts_of_first_over_time: range(),
  ts_of_last_over_time: range(),
  ts_of_max_over_time: range(),
  ts_of_min_over_time: range(),
};

const functionKinds: ReadonlyMap<string, FunctionKind> = new Map<string, FunctionKind>([
  ...instantFunctions.map((name): [string, FunctionKind] => [name, instant]),
  ...Object.entries(rangeFunctions),
  ['absent', { kind: 'absent' }],
  ['absent_over_time', { kind: 'absentOverTime' }],
  ['timestamp', { kind: 'timestamp' }],
]);

/** The enforcement kind of a function, or undefined when Gatehouse does not know it. */
export function functionKind(name: string): FunctionKind | undefined {
  return functionKinds.get(name);
}
