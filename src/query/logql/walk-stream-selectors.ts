import type { LogqlExpr, MetricExpr, StreamSelector } from './logql-ast.js';

/** Every stream selector `{...}` in the tree: the places Loki chooses which streams to read. */
export function streamSelectorsOf(expr: LogqlExpr): StreamSelector[] {
  return expr.kind === 'log' ? [expr.selector] : metricSelectors(expr);
}

function metricSelectors(expr: MetricExpr): StreamSelector[] {
  switch (expr.kind) {
    case 'rangeAggregation':
      return [expr.range.selector];
    case 'vectorAggregation':
    case 'labelReplace':
    case 'paren':
      return metricSelectors(expr.expr);
    case 'binary':
      return [...metricSelectors(expr.left), ...metricSelectors(expr.right)];
    case 'literal':
    case 'vector':
      return [];
    default: {
      const never: never = expr;
      throw new Error(`unknown LogQL node ${JSON.stringify(never)}`);
    }
  }
}
