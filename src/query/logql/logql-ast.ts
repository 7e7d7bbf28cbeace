import type { VectorMatching } from '../promql/promql-ast.js';
import type { LabelMatcher } from '../../model/label-matcher.js';

/**
 * The typed LogQL tree Gatehouse enforces on, following the query language as Loki documents it
 * (docs/sources/query: log queries, metric queries). Numbers, durations and byte sizes keep their
 * source text, and strings hold their decoded value, so the printer never changes what Loki
 * reads. Operators keep the user's order and parentheses: Loki and lezer-logql do not agree on
 * operator precedence, so the printer reproduces the user's token sequence instead of inventing
 * one.
 */
export type LogqlExpr = LogQuery | MetricExpr;

/** `{...}` with its matchers in the user's order, policy matchers appended. */
export interface StreamSelector {
  matchers: LabelMatcher[];
}

/** A query that returns log lines: a stream selector and its pipeline. */
export interface LogQuery {
  kind: 'log';
  selector: StreamSelector;
  pipeline: PipelineStage[];
}

export type PipelineStage =
  | LineFilterStage
  | JsonStage
  | LogfmtStage
  | RegexpStage
  | PatternStage
  | UnpackStage
  | LabelFilterStage
  | LineFormatStage
  | LabelFormatStage
  | DecolorizeStage
  | DropStage
  | KeepStage;

export type LineFilterOp = '|=' | '!=' | '|~' | '!~' | '|>' | '!>';

/** A string to search for, or `ip("...")`. */
export type LineFilterValue = { kind: 'string'; value: string } | { kind: 'ip'; value: string };

/** `|= "a" or "b"`: one operator, alternatives joined by `or`. */
export interface LineFilterStage {
  kind: 'lineFilter';
  op: LineFilterOp;
  values: LineFilterValue[];
}

/** `name` or `name="expression"` after `| json` or `| logfmt`. */
export interface LabelExtraction {
  label: string;
  expression?: string;
}

export interface JsonStage {
  kind: 'json';
  extractions: LabelExtraction[];
}

export interface LogfmtStage {
  kind: 'logfmt';
  /** `--strict`, `--keep-empty`, in the user's order. */
  flags: string[];
  extractions: LabelExtraction[];
}

export interface RegexpStage {
  kind: 'regexp';
  expression: string;
}

export interface PatternStage {
  kind: 'pattern';
  expression: string;
}

export interface UnpackStage {
  kind: 'unpack';
}

export interface LabelFilterStage {
  kind: 'labelFilter';
  filter: LabelFilter;
}

export type CompareOp = '>' | '>=' | '<' | '<=' | '!=' | '=' | '==';

export type LabelFilter =
  | { kind: 'matcher'; matcher: LabelMatcher }
  | { kind: 'ip'; name: string; op: '=' | '!='; value: string }
  /** `x > 10ms`, `size >= 1KB`, `status != 500`: `value` is the source text, sign included. */
  | { kind: 'compare'; name: string; op: CompareOp; value: string }
  | { kind: 'paren'; filter: LabelFilter }
  | { kind: 'binary'; op: 'and' | 'or' | ','; left: LabelFilter; right: LabelFilter };

export interface LineFormatStage {
  kind: 'lineFormat';
  template: string;
}

/** `dst=src` renames (and drops `src`); `dst="template"` sets `dst`. */
export type LabelFormatOp =
  | { kind: 'rename'; dst: string; src: string }
  | { kind: 'template'; dst: string; template: string };

export interface LabelFormatStage {
  kind: 'labelFormat';
  ops: LabelFormatOp[];
}

export interface DecolorizeStage {
  kind: 'decolorize';
}

/** A label named in `| drop` or `| keep`: bare, or only when it matches. */
export type LabelSelection =
  { kind: 'name'; name: string } | { kind: 'matcher'; matcher: LabelMatcher };

export interface DropStage {
  kind: 'drop';
  labels: LabelSelection[];
}

export interface KeepStage {
  kind: 'keep';
  labels: LabelSelection[];
}

export type MetricExpr =
  | RangeAggregation
  | VectorAggregation
  | BinaryExpr
  | LiteralExpr
  | VectorExpr
  | LabelReplaceExpr
  | ParenExpr;

// prettier-ignore
export const rangeOps = [
  'count_over_time', 'rate', 'rate_counter', 'bytes_over_time', 'bytes_rate', 'avg_over_time',
  'sum_over_time', 'min_over_time', 'max_over_time', 'stddev_over_time', 'stdvar_over_time',
  'quantile_over_time', 'first_over_time', 'last_over_time', 'absent_over_time',
] as const;

export type RangeOp = (typeof rangeOps)[number];

export type UnwrapConversion = 'bytes' | 'duration' | 'duration_seconds';

/** `| unwrap label`, `| unwrap bytes(label)`, then label filters (e.g. `| __error__=""`). */
export interface Unwrap {
  label: string;
  conversion?: UnwrapConversion;
  filters: LabelFilter[];
}

/** The log range a range aggregation reads: `{...} | pipeline | unwrap x [5m] offset 1h`. */
export interface LogRange {
  selector: StreamSelector;
  pipeline: PipelineStage[];
  unwrap?: Unwrap;
  range: string;
  /** Duration text with an optional leading sign. */
  offset?: string;
}

export interface Grouping {
  without: boolean;
  labels: string[];
}

export interface RangeAggregation {
  kind: 'rangeAggregation';
  op: RangeOp;
  /** The φ of quantile_over_time, as source text. */
  param?: string;
  range: LogRange;
  grouping?: Grouping;
}

// prettier-ignore
export const vectorOps = [
  'sum', 'avg', 'count', 'max', 'min', 'stddev', 'stdvar', 'bottomk', 'topk', 'sort', 'sort_desc',
] as const;

export type VectorOp = (typeof vectorOps)[number];

export interface VectorAggregation {
  kind: 'vectorAggregation';
  op: VectorOp;
  /** The k of topk/bottomk, as source text. */
  param?: string;
  expr: MetricExpr;
  grouping?: Grouping;
}

// prettier-ignore
export const binaryOps = [
  'or', 'and', 'unless', '+', '-', '*', '/', '%', '^', '==', '!=', '>', '>=', '<', '<=',
] as const;

export type BinaryOp = (typeof binaryOps)[number];

/** `on`/`ignoring` and `group_left`/`group_right` read as in PromQL. */
export type { VectorMatching } from '../promql/promql-ast.js';

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  bool: boolean;
  matching?: VectorMatching;
  left: MetricExpr;
  right: MetricExpr;
}

/** A number with its optional sign, as source text (`1`, `-2.5`, `0x1f`). */
export interface LiteralExpr {
  kind: 'literal';
  text: string;
}

export interface VectorExpr {
  kind: 'vector';
  text: string;
}

export interface LabelReplaceExpr {
  kind: 'labelReplace';
  expr: MetricExpr;
  dst: string;
  replacement: string;
  src: string;
  regex: string;
}

export interface ParenExpr {
  kind: 'paren';
  expr: MetricExpr;
}
