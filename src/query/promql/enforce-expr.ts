import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { absentLabels, sameLabels } from './absent-labels.js';
import { unsupported } from './promql-errors.js';
import { functionKind } from './promql-functions.js';
import { call, chain, paren, setLabel, str } from './promql-builders.js';
import type { CallExpr, MatrixSelector, PromqlExpr, VectorSelector } from './promql-ast.js';

/** The temporary label that carries `__name__` through an `or` (see unionOfSelector). */
export const nameCarrierLabel = '__gatehouse_name__';

/**
 * Rewrites a query so every series it reads matches at least one selector of `scope`
 * (normalised, non-empty). Each vector selector is replaced by an expression that evaluates to
 * exactly that selector's series inside the scope, so everything above it computes what it would
 * compute over the filtered data. Range selectors cannot be unioned, so the union moves up to
 * the function that consumes the range.
 */
export function enforceExpr(expr: PromqlExpr, scope: readonly Selector[]): PromqlExpr {
  switch (expr.kind) {
    case 'number':
    case 'string':
      return expr;
    case 'vectorSelector':
      return unionOfSelector(expr, scope);
    case 'matrixSelector':
      return restrictLoneMatrix(expr, scope);
    case 'subquery':
      return { ...expr, expr: enforceExpr(expr.expr, scope) };
    case 'paren':
      return { ...expr, expr: enforceExpr(expr.expr, scope) };
    case 'unary':
      return { ...expr, expr: enforceExpr(expr.expr, scope) };
    case 'binary':
      return {
        ...expr,
        left: enforceExpr(expr.left, scope),
        right: enforceExpr(expr.right, scope),
      };
    case 'aggregate':
      return enforceAggregate(expr, scope);
    case 'call':
      return enforceCall(expr, scope);
    default: {
      const never: never = expr;
      throw unsupported(`unknown expression ${JSON.stringify(never)}`);
    }
  }
}

function enforceAggregate(
  expr: Extract<PromqlExpr, { kind: 'aggregate' }>,
  scope: readonly Selector[],
): PromqlExpr {
  const param = expr.param ? enforceExpr(expr.param, scope) : undefined;
  return { ...expr, expr: enforceExpr(expr.expr, scope), ...(param ? { param } : {}) };
}

/** AND: the user's matchers plus the selector's (an identical matcher is not repeated). */
export function restrict(selector: VectorSelector, policy: Selector): VectorSelector {
  const extra = policy.filter((matcher) => !selector.matchers.some((own) => same(own, matcher)));
  return { ...selector, matchers: [...selector.matchers, ...extra] };
}

function same(a: LabelMatcher, b: LabelMatcher): boolean {
  return a.name === b.name && a.op === b.op && a.value === b.value;
}

function restrictMatrix(matrix: MatrixSelector, policy: Selector): MatrixSelector {
  return { ...matrix, selector: restrict(matrix.selector, policy) };
}

/**
 * Whether an `or` of per-selector copies of `selector` can lose series. `or` without `on`
 * compares label sets without `__name__` (promql/engine.go VectorOr, signatureFunc). Two series
 * that differ only by name match the same policy selectors unless a selector constrains
 * `__name__`; then one can land on the right of the `or` and be dropped for the other's
 * signature on the left. A selector with one fixed metric name has no such pairs. (Verified on
 * Prometheus 2.42 by the differential test's metric-name policy.)
 */
function needsNameCarrier(selector: VectorSelector, scope: readonly Selector[]): boolean {
  const fixedName = selector.matchers.some(
    (m) => m.name === '__name__' && m.op === '=' && m.value !== '',
  );
  return !fixedName && scope.some((policy) => policy.some((m) => m.name === '__name__'));
}

/**
 * `(V{S1} or V{S2} ...)`. Where `or` could drop a series for another metric's equal label set
 * (needsNameCarrier), the name is copied into a temporary label on each side and removed again
 * outside the union.
 */
function unionOfSelector(selector: VectorSelector, scope: readonly Selector[]): PromqlExpr {
  const copies = scope.map((policy) => restrict(selector, policy));
  const only = copies[0];
  if (copies.length === 1 && only) {
    return only;
  }
  return needsNameCarrier(selector, scope) ? unionKeepingNames(copies) : paren(chain('or', copies));
}

function unionKeepingNames(sides: readonly PromqlExpr[]): PromqlExpr {
  const carried = sides.map((side) =>
    call('label_replace', side, str(nameCarrierLabel), str('$1'), str('__name__'), str('(.+)')),
  );
  return call(
    'label_replace',
    chain('or', carried),
    str(nameCarrierLabel),
    str(''),
    str(''),
    str(''),
  );
}

/** A range selector outside a range function: only the single-selector AND can express it. */
function restrictLoneMatrix(matrix: MatrixSelector, scope: readonly Selector[]): PromqlExpr {
  const [only, ...others] = scope;
  if (!only || others.length > 0) {
    throw unsupported('a range vector selector is only supported as the argument of a function');
  }
  return restrictMatrix(matrix, only);
}

function unwrapParens(expr: PromqlExpr): PromqlExpr {
  return expr.kind === 'paren' ? unwrapParens(expr.expr) : expr;
}

function enforceCall(expr: CallExpr, scope: readonly Selector[]): PromqlExpr {
  const kind = functionKind(expr.func);
  if (!kind) {
    throw unsupported(`function ${expr.func} is not supported`);
  }

  switch (kind.kind) {
    case 'instant':
      return enforceArgs(expr, scope);
    case 'range':
      return enforceRangeCall(expr, scope, kind.rangeArg, kind.keepsName);
    case 'timestamp':
      return enforceTimestamp(expr, scope);
    case 'absent':
      return enforceAbsent(expr, scope);
    case 'absentOverTime':
      return enforceAbsentOverTime(expr, scope);
    default: {
      const never: never = kind;
      throw unsupported(`unknown function kind ${JSON.stringify(never)}`);
    }
  }
}

function enforceArgs(expr: CallExpr, scope: readonly Selector[]): CallExpr {
  return { ...expr, args: expr.args.map((arg) => enforceExpr(arg, scope)) };
}

/**
 * `f(.., V{S1}[r], ..) or f(.., V{S2}[r], ..)`: a range function applied once per selector, its
 * other arguments enforced and copied. Functions that keep `__name__` carry it through the `or`.
 */
function enforceRangeCall(
  expr: CallExpr,
  scope: readonly Selector[],
  rangeArg: number,
  keepsName: boolean,
): PromqlExpr {
  const arg = expr.args[rangeArg];
  const matrix = arg ? unwrapParens(arg) : undefined;
  if (matrix?.kind !== 'matrixSelector' || scope.length === 1) {
    return enforceArgs(expr, scope);
  }

  const args = expr.args.map((other, i) => (i === rangeArg ? other : enforceExpr(other, scope)));
  const branches = scope.map((policy) => {
    const perSelector = [...args];
    perSelector[rangeArg] = restrictMatrix(matrix, policy);
    return call(expr.func, ...perSelector);
  });
  const named = keepsName && needsNameCarrier(matrix.selector, scope);
  return named ? unionKeepingNames(branches) : paren(chain('or', branches));
}

/**
 * timestamp(V) reads the samples' own timestamps only when its argument is a selector
 * (engine.go special-cases it); around a union it would return the evaluation time. So it is
 * applied per selector. Its output has no `__name__`.
 */
function enforceTimestamp(expr: CallExpr, scope: readonly Selector[]): PromqlExpr {
  const arg = expr.args[0];
  const selector = arg ? unwrapParens(arg) : undefined;
  if (selector?.kind !== 'vectorSelector' || expr.args.length !== 1 || scope.length === 1) {
    return enforceArgs(expr, scope);
  }

  const branches = scope.map((policy) => call('timestamp', restrict(selector, policy)));
  return paren(chain('or', branches));
}

/**
 * absent(V): 1 when V (inside the scope) has no series, labelled from V's own `=` matchers.
 * Absent over a union is "absent over each side"; the output labels are computed from the user's
 * matchers and set with label_replace, so policy matchers neither leak into nor remove them.
 */
function enforceAbsent(expr: CallExpr, scope: readonly Selector[]): PromqlExpr {
  const arg = expr.args[0];
  const selector = arg ? unwrapParens(arg) : undefined;
  if (selector?.kind !== 'vectorSelector' || expr.args.length !== 1) {
    return enforceArgs(expr, scope);
  }

  const wanted = absentLabels(selector.matchers);
  const copies = scope.map((policy) => restrict(selector, policy));
  const only = copies[0];
  if (copies.length === 1 && only && sameLabels(absentLabels(only.matchers), wanted)) {
    return call('absent', only);
  }

  const absent = call('absent', copies.length === 1 && only ? only : paren(chain('or', copies)));
  return withLabels(aggregateSum(absent), wanted);
}

/** absent_over_time(V[r]) over a union is the intersection of the per-selector answers. */
function enforceAbsentOverTime(expr: CallExpr, scope: readonly Selector[]): PromqlExpr {
  const arg = expr.args[0];
  const matrix = arg ? unwrapParens(arg) : undefined;
  if (matrix?.kind !== 'matrixSelector' || expr.args.length !== 1) {
    return enforceArgs(expr, scope);
  }

  const wanted = absentLabels(matrix.selector.matchers);
  const copies = scope.map((policy) => restrictMatrix(matrix, policy));
  const only = copies[0];
  if (copies.length === 1 && only && sameLabels(absentLabels(only.selector.matchers), wanted)) {
    return call('absent_over_time', only);
  }

  const perSelector = copies.map((copy) => aggregateSum(call('absent_over_time', copy)));
  return withLabels(chain('and', perSelector), wanted);
}

/** sum() of absent's single sample drops its labels and keeps the value 1. */
function aggregateSum(expr: PromqlExpr): PromqlExpr {
  return { kind: 'aggregate', op: 'sum', expr };
}

/** Sets exactly `labels` on a label-less result (absent's one sample after sum()). */
function withLabels(expr: PromqlExpr, labels: ReadonlyMap<string, string>): PromqlExpr {
  return paren([...labels].reduce((acc, [name, value]) => setLabel(acc, name, value), expr));
}
