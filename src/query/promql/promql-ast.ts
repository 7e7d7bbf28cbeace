import type { LabelMatcher } from '../../model/label-matcher.js';

/**
 * The typed PromQL tree Gatehouse enforces on. It mirrors Prometheus's own AST
 * (promql/parser/ast.go): modifiers belong to the selector or subquery they follow, a metric
 * name is an ordinary `__name__="x"` matcher, and number literals keep their source text so the
 * printer never changes a value Prometheus would read.
 */
export type PromqlExpr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | CallExpr;

export interface NumberLiteral {
  kind: 'number';
  /** Unsigned source text (`1`, `0x1f`, `Inf`, `1e3`); a sign is a UnaryExpr around it. */
  text: string;
}

export interface StringLiteral {
  kind: 'string';
  /** The decoded value, not the quoted source. */
  value: string;
}

/** `@ <number>`, `@ start()` or `@ end()`. */
export type AtModifier = { kind: 'timestamp'; text: string } | { kind: 'start' } | { kind: 'end' };

export interface Modifiers {
  /** Duration text with an optional leading sign, e.g. `5m` or `-1h30m`. */
  offset?: string;
  at?: AtModifier;
}

export interface VectorSelector {
  kind: 'vectorSelector';
  /** The metric name identifier, when the user wrote one, is the first matcher `__name__="x"`. */
  matchers: LabelMatcher[];
  modifiers: Modifiers;
}

export interface MatrixSelector {
  kind: 'matrixSelector';
  /** Prometheus allows no modifiers before the range: they live on the matrix selector. */
  selector: VectorSelector;
  range: string;
  modifiers: Modifiers;
}

export interface SubqueryExpr {
  kind: 'subquery';
  expr: PromqlExpr;
  range: string;
  step?: string;
  modifiers: Modifiers;
}

export interface ParenExpr {
  kind: 'paren';
  expr: PromqlExpr;
}

export interface UnaryExpr {
  kind: 'unary';
  op: '-' | '+';
  expr: PromqlExpr;
}

// prettier-ignore
export const binaryOps = [
  '^', '*', '/', '%', 'atan2', '+', '-',
  '==', '!=', '>', '<', '>=', '<=', '</', '>/',
  'and', 'unless', 'or',
] as const;

export type BinaryOp = (typeof binaryOps)[number];

export interface VectorMatching {
  card: 'on' | 'ignoring';
  labels: string[];
  group?: { side: 'left' | 'right'; labels: string[] };
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: PromqlExpr;
  right: PromqlExpr;
  bool: boolean;
  matching?: VectorMatching;
}

// prettier-ignore
export const aggregateOps = [
  'avg', 'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile',
  'limitk', 'limit_ratio', 'stddev', 'stdvar', 'sum', 'topk',
] as const;

export type AggregateOp = (typeof aggregateOps)[number];

export interface AggregateExpr {
  kind: 'aggregate';
  op: AggregateOp;
  param?: PromqlExpr;
  expr: PromqlExpr;
  grouping?: { without: boolean; labels: string[] };
}

export interface CallExpr {
  kind: 'call';
  func: string;
  args: PromqlExpr[];
}
