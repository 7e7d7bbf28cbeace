import type { BinaryOp, MetricExpr, ParenExpr, VectorAggregation } from './logql-ast.js';

/** Small constructors for the expressions the enforcer adds around the user's query. */

export function paren(expr: MetricExpr): ParenExpr {
  return { kind: 'paren', expr };
}

/** `a op b op c`: every operand is a self-contained unit, so the grouping does not matter. */
export function chain(op: BinaryOp, operands: readonly MetricExpr[]): MetricExpr {
  const [first, ...rest] = operands;
  if (!first) {
    throw new Error('chain needs at least one operand');
  }
  return rest.reduce<MetricExpr>(
    (left, right) => ({ kind: 'binary', op, bool: false, left, right }),
    first,
  );
}

/** `sum(expr)`: one label-less sample per step, the sum of the input. */
export function sumAll(expr: MetricExpr): VectorAggregation {
  return { kind: 'vectorAggregation', op: 'sum', expr };
}

/**
 * Sets exactly `labels` on a label-less result with label_replace: its regex `""` matches the
 * (empty) value of the not yet set label itself, so `dst` becomes the replacement. `$` is
 * doubled because Loki expands the replacement like Go's Regexp.Expand.
 */
export function withLabels(expr: MetricExpr, labels: ReadonlyMap<string, string>): ParenExpr {
  const labelled = [...labels].reduce<MetricExpr>(
    (acc, [name, value]) => ({
      kind: 'labelReplace',
      expr: acc,
      dst: name,
      replacement: value.replace(/\$/g, '$$$$'),
      src: name,
      regex: '',
    }),
    expr,
  );
  return paren(labelled);
}
