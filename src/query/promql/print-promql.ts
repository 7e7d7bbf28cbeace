import type { LabelMatcher } from '../../model/label-matcher.js';
import { formatLabelName, isPrintableMetricIdentifier } from './label-name.js';
import type {
  AggregateExpr,
  BinaryExpr,
  Modifiers,
  PromqlExpr,
  VectorMatching,
} from './promql-ast.js';
import { quotePromqlString } from './promql-string.js';

/**
 * Prints the typed tree as PromQL that Prometheus 2.42 and lezer-promql both read back into the
 * same tree. Parentheses come only from ParenExpr nodes: the parser keeps the user's, and the
 * enforcer wraps every expression it builds.
 */
export function printPromql(expr: PromqlExpr): string {
  switch (expr.kind) {
    case 'number':
      return expr.text;
    case 'string':
      return quotePromqlString(expr.value);
    case 'vectorSelector':
      return printMatchers(expr.matchers, true) + printModifiers(expr.modifiers);
    case 'matrixSelector':
      return (
        `${printMatchers(expr.selector.matchers, true)}[${expr.range}]` +
        printModifiers(expr.modifiers)
      );
    case 'subquery':
      return (
        `${printOperand(expr.expr)}[${expr.range}:${expr.step ?? ''}]` +
        printModifiers(expr.modifiers)
      );
    case 'paren':
      return `(${printPromql(expr.expr)})`;
    case 'unary':
      return `${expr.op}${printPromql(expr.expr)}`;
    case 'binary':
      return printBinary(expr);
    case 'aggregate':
      return printAggregate(expr);
    case 'call':
      return `${expr.func}(${expr.args.map(printPromql).join(', ')})`;
    default: {
      const never: never = expr;
      throw new Error(`unknown PromQL node ${JSON.stringify(never)}`);
    }
  }
}

/**
 * `{a="b", c=~"d"}`, or `name{...}` when `allowIdentifier` and the first matcher is the only
 * `__name__` matcher and an `=` on a name that cannot be read as a keyword.
 */
export function printMatchers(matchers: readonly LabelMatcher[], allowIdentifier: boolean): string {
  const [first, ...rest] = matchers;
  const identifier =
    allowIdentifier &&
    first !== undefined &&
    first.name === '__name__' &&
    first.op === '=' &&
    isPrintableMetricIdentifier(first.value) &&
    !rest.some((matcher) => matcher.name === '__name__');
  if (identifier) {
    return rest.length === 0 ? first.value : `${first.value}${braces(rest)}`;
  }
  return braces(matchers);
}

function braces(matchers: readonly LabelMatcher[]): string {
  const printed = matchers.map(
    (m) => `${formatLabelName(m.name)}${m.op}${quotePromqlString(m.value)}`,
  );
  return `{${printed.join(', ')}}`;
}

function printModifiers(modifiers: Modifiers): string {
  let out = '';
  if (modifiers.at) {
    const at = modifiers.at;
    out += at.kind === 'timestamp' ? ` @ ${at.text}` : ` @ ${at.kind}()`;
  }
  if (modifiers.offset !== undefined) {
    out += ` offset ${modifiers.offset}`;
  }
  return out;
}

/** A postfix binds to the nearest operand, so a compound operand needs parentheses. */
function printOperand(expr: PromqlExpr): string {
  const printed = printPromql(expr);
  return expr.kind === 'binary' || expr.kind === 'unary' ? `(${printed})` : printed;
}

function printBinary(expr: BinaryExpr): string {
  const bool = expr.bool ? ' bool' : '';
  const matching = expr.matching ? ` ${printMatching(expr.matching)}` : '';
  return `${printPromql(expr.left)} ${expr.op}${bool}${matching} ${printPromql(expr.right)}`;
}

function printMatching(matching: VectorMatching): string {
  const base = `${matching.card}(${printLabelList(matching.labels)})`;
  if (!matching.group) {
    return base;
  }
  // Always with its list, even empty: `group_left (a or b)` would read the union as the list.
  return `${base} group_${matching.group.side}(${printLabelList(matching.group.labels)})`;
}

function printAggregate(expr: AggregateExpr): string {
  const grouping = expr.grouping
    ? ` ${expr.grouping.without ? 'without' : 'by'} (${printLabelList(expr.grouping.labels)}) `
    : '';
  const args = expr.param ? [expr.param, expr.expr] : [expr.expr];
  return `${expr.op}${grouping}(${args.map(printPromql).join(', ')})`;
}

function printLabelList(labels: readonly string[]): string {
  return labels.map(formatLabelName).join(', ');
}
