import type { BinaryOp, CallExpr, ParenExpr, PromqlExpr } from './promql-ast.js';

/** Small constructors for the expressions the enforcer adds around the user's query. */

export function call(func: string, ...args: PromqlExpr[]): CallExpr {
  return { kind: 'call', func, args };
}

export function str(value: string): PromqlExpr {
  return { kind: 'string', value };
}

export function paren(expr: PromqlExpr): ParenExpr {
  return { kind: 'paren', expr };
}

/** `a op b op c`, left-associative as PromQL reads it back. */
export function chain(op: BinaryOp, operands: readonly PromqlExpr[]): PromqlExpr {
  const [first, ...rest] = operands;
  if (!first) {
    throw new Error('chain needs at least one operand');
  }
  return rest.reduce<PromqlExpr>(
    (left, right) => ({ kind: 'binary', op, left, right, bool: false }),
    first,
  );
}

/**
 * label_replace(expr, dst, replacement, "", ""): the empty regex matches the (empty) value of
 * the unnamed source label on every series, so dst is set to `value` everywhere. `$` is doubled
 * because the replacement is expanded like Go's Regexp.Expand.
 */
export function setLabel(expr: PromqlExpr, name: string, value: string): PromqlExpr {
  return call(
    'label_replace',
    expr,
    str(name),
    str(value.replace(/\$/g, '$$$$')),
    str(''),
    str(''),
  );
}
