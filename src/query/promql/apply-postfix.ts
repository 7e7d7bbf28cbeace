import type { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Modifiers, PromqlExpr } from './promql-ast.js';

/**
 * Applies a postfix construct (`[range]`, `[range:step]`, `offset`, `@`) to the expression it
 * binds to in Prometheus. lezer-promql 0.315 gives postfixes no precedence, so `a + b offset 5m`
 * arrives as offset(a + b) and `-x[5m]` as range(-x); Prometheus's yacc grammar binds them to the
 * nearest operand: a + (b offset 5m), -(x[5m]). Descending into the right operand of binary and
 * unary expressions restores that reading; parentheses stop the descent as they should.
 */
export function applyPostfix(
  inner: PromqlExpr,
  apply: (operand: PromqlExpr) => PromqlExpr,
): PromqlExpr {
  switch (inner.kind) {
    case 'binary':
      return { ...inner, right: applyPostfix(inner.right, apply) };
    case 'unary':
      return { ...inner, expr: applyPostfix(inner.expr, apply) };
    default:
      return apply(inner);
  }
}

/** Sets `offset` or `@` on a selector or subquery, with Prometheus's parser errors otherwise. */
export function setModifier(
  expr: PromqlExpr,
  modifier: Modifiers,
  fail: (reason: string) => GatehouseError,
): PromqlExpr {
  if (
    expr.kind !== 'vectorSelector' &&
    expr.kind !== 'matrixSelector' &&
    expr.kind !== 'subquery'
  ) {
    const name = modifier.offset === undefined ? '@ modifier' : 'offset modifier';
    throw fail(
      `${name} must be preceded by an instant vector selector or range vector selector or a subquery`,
    );
  }
  if (modifier.offset !== undefined && expr.modifiers.offset !== undefined) {
    throw fail('offset may not be set multiple times');
  }
  if (modifier.at !== undefined && expr.modifiers.at !== undefined) {
    throw fail('@ <timestamp> may not be set multiple times');
  }
  return { ...expr, modifiers: { ...expr.modifiers, ...modifier } };
}
