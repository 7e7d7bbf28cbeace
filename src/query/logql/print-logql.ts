import type {
  BinaryExpr,
  Grouping,
  LogqlExpr,
  LogRange,
  MetricExpr,
  Unwrap,
  VectorMatching,
} from './logql-ast.js';
import { formatLogqlLabelName } from './logql-label-name.js';
import { quoteLogqlString } from './logql-string.js';
import { printSelector } from './print-matcher.js';
import { printLabelFilter, printPipeline } from './print-pipeline.js';

/**
 * Prints the typed tree as LogQL that Loki and lezer-logql 0.3.0 both read. Parentheses come only
 * from ParenExpr nodes: the parser keeps the user's, and the enforcer wraps what it builds.
 */
export function printLogql(expr: LogqlExpr): string {
  if (expr.kind === 'log') {
    return printSelector(expr.selector) + printPipeline(expr.pipeline);
  }
  return printMetric(expr);
}

function printMetric(expr: MetricExpr): string {
  switch (expr.kind) {
    case 'rangeAggregation': {
      const param = expr.param === undefined ? '' : `${expr.param}, `;
      const grouping = expr.grouping ? ` ${printGrouping(expr.grouping)}` : '';
      return `${expr.op}(${param}${printLogRange(expr.range)})${grouping}`;
    }
    case 'vectorAggregation': {
      const grouping = expr.grouping ? ` ${printGrouping(expr.grouping)} ` : '';
      const param = expr.param === undefined ? '' : `${expr.param}, `;
      return `${expr.op}${grouping}(${param}${printMetric(expr.expr)})`;
    }
    case 'binary':
      return printBinary(expr);
    case 'literal':
      return expr.text;
    case 'vector':
      return `vector(${expr.text})`;
    case 'labelReplace': {
      const strings = [expr.dst, expr.replacement, expr.src, expr.regex].map(quoteLogqlString);
      return `label_replace(${printMetric(expr.expr)}, ${strings.join(', ')})`;
    }
    case 'paren':
      return `(${printMetric(expr.expr)})`;
    default: {
      const never: never = expr;
      throw new Error(`unknown LogQL node ${JSON.stringify(never)}`);
    }
  }
}

/**
 * `{...} | stages | unwrap x [5m] offset 1h`, the form Loki's documentation uses. lezer-logql
 * 0.3.0 has no rule for a pipeline, an unwrap and an offset after the range, so that one
 * combination is printed in the other documented order: `{...}[5m] offset 1h | stages | unwrap x`.
 */
function printLogRange(range: LogRange): string {
  const selector = printSelector(range.selector);
  const tail = printPipeline(range.pipeline) + (range.unwrap ? printUnwrap(range.unwrap) : '');
  const offset = range.offset === undefined ? '' : ` offset ${range.offset}`;
  if (range.offset !== undefined && range.unwrap && range.pipeline.length > 0) {
    return `${selector}[${range.range}]${offset}${tail}`;
  }
  return tail === ''
    ? `${selector}[${range.range}]${offset}`
    : `${selector}${tail} [${range.range}]${offset}`;
}

function printUnwrap(unwrap: Unwrap): string {
  const target = unwrap.conversion ? `${unwrap.conversion}(${unwrap.label})` : unwrap.label;
  const filters = unwrap.filters.map((filter) => ` | ${printLabelFilter(filter)}`);
  return ` | unwrap ${target}${filters.join('')}`;
}

function printGrouping(grouping: Grouping): string {
  return `${grouping.without ? 'without' : 'by'} (${printLabels(grouping.labels)})`;
}

function printLabels(labels: readonly string[]): string {
  return labels.map(formatLogqlLabelName).join(', ');
}

function printBinary(expr: BinaryExpr): string {
  const bool = expr.bool ? ' bool' : '';
  const matching = expr.matching ? ` ${printMatching(expr.matching)}` : '';
  return `${printMetric(expr.left)} ${expr.op}${bool}${matching} ${printMetric(expr.right)}`;
}

function printMatching(matching: VectorMatching): string {
  const base = `${matching.card}(${printLabels(matching.labels)})`;
  if (!matching.group) {
    return base;
  }
  // Always with its list, even empty: `group_left (a or b)` would read the union as the list.
  return `${base} group_${matching.group.side}(${printLabels(matching.group.labels)})`;
}
