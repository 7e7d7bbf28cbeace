import type { PromqlExpr, VectorSelector } from './promql-ast.js';

/** Every vector selector in the tree, including those inside range selectors. */
export function selectorsOf(expr: PromqlExpr): VectorSelector[] {
  switch (expr.kind) {
    case 'number':
    case 'string':
      return [];
    case 'vectorSelector':
      return [expr];
    case 'matrixSelector':
      return [expr.selector];
    case 'subquery':
    case 'paren':
    case 'unary':
      return selectorsOf(expr.expr);
    case 'binary':
      return [...selectorsOf(expr.left), ...selectorsOf(expr.right)];
    case 'aggregate':
      return [...(expr.param ? selectorsOf(expr.param) : []), ...selectorsOf(expr.expr)];
    case 'call':
      return expr.args.flatMap(selectorsOf);
    default: {
      const never: never = expr;
      throw new Error(`unknown PromQL node ${JSON.stringify(never)}`);
    }
  }
}
