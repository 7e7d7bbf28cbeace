import type { SyntaxNode } from '@lezer/common';

import type { LabelMatcher, MatchOp } from '../../model/label-matcher.js';
import { applyPostfix, setModifier } from './apply-postfix.js';
import { parseError, unsupported, type ParseWhat } from './promql-errors.js';
import {
  aggregateOps,
  binaryOps,
  type AggregateExpr,
  type AggregateOp,
  type AtModifier,
  type BinaryExpr,
  type BinaryOp,
  type PromqlExpr,
  type VectorMatching,
  type VectorSelector,
} from './promql-ast.js';
import { unquotePromqlString } from './promql-string.js';

/** Aggregations whose first argument is a parameter (topk(3, x), count_values("v", x)). */
// prettier-ignore
const parameterised = new Set<AggregateOp>([
  'bottomk', 'count_values', 'limitk', 'limit_ratio', 'quantile', 'topk',
]);

/**
 * Turns a lezer-promql tree that has no error node into the typed tree. Every node kind is
 * handled by name; anything else (including grammar added after lezer-promql 0.315, such as
 * `anchored`, `smoothed`, `fill()` and duration arithmetic) fails closed with QUERY_UNSUPPORTED.
 */
export class PromqlAstBuilder {
  constructor(
    private readonly source: string,
    private readonly what: ParseWhat,
  ) {}

  build(node: SyntaxNode): PromqlExpr {
    switch (node.type.name) {
      case 'NumberDurationLiteral':
        return this.number(node);
      case 'StringLiteral':
        return { kind: 'string', value: this.string(node) };
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
        return this.matrixSelector(node);
      case 'SubqueryExpr':
        return this.subquery(node);
      case 'OffsetExpr':
        return this.offset(node);
      case 'StepInvariantExpr':
        return this.at(node);
      case 'ParenExpr':
        return { kind: 'paren', expr: this.build(this.only(node)) };
      case 'UnaryExpr':
        return this.unary(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'FunctionCall':
        return this.call(node);
      default:
        throw unsupported(`unsupported PromQL syntax ${node.type.name}`);
    }
  }

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  /** Comments are dropped: the query sent on is printed from this tree, never the input text. */
  private children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.type.name !== 'LineComment') out.push(child);
    }
    return out;
  }

  /** The single child of a node that must have exactly one; anything else fails closed. */
  private only(node: SyntaxNode): SyntaxNode {
    const children = this.children(node);
    if (children.length !== 1 || !children[0]) {
      throw unsupported(`${node.type.name} with ${children.length} parts at position ${node.from}`);
    }
    return children[0];
  }

  private child(node: SyntaxNode, index: number): SyntaxNode {
    const child = this.children(node)[index];
    if (!child) {
      throw parseError(this.what, `incomplete ${node.type.name} at position ${node.from}`);
    }
    return child;
  }

  private number(node: SyntaxNode): PromqlExpr {
    const text = this.text(node);
    const sign = text[0];
    if (sign !== '-' && sign !== '+') {
      return { kind: 'number', text };
    }
    // A signed literal is a unary expression in Prometheus too; keeping one shape round-trips.
    return { kind: 'unary', op: sign, expr: { kind: 'number', text: text.slice(1).trim() } };
  }

  private string(node: SyntaxNode): string {
    const decoded = unquotePromqlString(this.text(node));
    if ('error' in decoded) {
      throw parseError(this.what, decoded.error);
    }
    return decoded.value;
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    const matchers: LabelMatcher[] = [];
    let identifier: string | undefined;
    for (const child of this.children(node)) {
      if (child.type.name === 'Identifier') {
        identifier = this.text(child);
        matchers.push({ name: '__name__', op: '=', value: identifier });
      } else {
        matchers.push(...this.labelMatchers(child));
      }
    }

    this.checkNameSetOnce(identifier, matchers);
    return { kind: 'vectorSelector', matchers, modifiers: {} };
  }

  /** parser.go: "metric name must not be set twice". */
  private checkNameSetOnce(identifier: string | undefined, matchers: LabelMatcher[]): void {
    const names = matchers.filter((matcher) => matcher.name === '__name__');
    if (identifier !== undefined && names.length > 1) {
      throw parseError(this.what, `metric name must not be set twice: ${identifier}`);
    }
  }

  private labelMatchers(node: SyntaxNode): LabelMatcher[] {
    if (node.type.name !== 'LabelMatchers') {
      throw unsupported(`unsupported PromQL syntax ${node.type.name} in a selector`);
    }
    return this.children(node).map((child) => this.labelMatcher(child));
  }

  private labelMatcher(node: SyntaxNode): LabelMatcher {
    switch (node.type.name) {
      case 'UnquotedLabelMatcher':
        return this.matcher(this.text(this.child(node, 0)), node);
      case 'QuotedLabelMatcher':
        return this.matcher(this.string(this.child(this.child(node, 0), 0)), node);
      case 'QuotedLabelName':
        // UTF-8 syntax {"metric.name"}: a bare quoted string names the metric.
        return { name: '__name__', op: '=', value: this.string(this.child(node, 0)) };
      default:
        throw unsupported(`unsupported PromQL syntax ${node.type.name} in a selector`);
    }
  }

  private matcher(name: string, node: SyntaxNode): LabelMatcher {
    const op = this.text(this.child(node, 1)) as MatchOp;
    const value = this.string(this.child(node, 2));
    return { name, op, value };
  }

  private matrixSelector(node: SyntaxNode): PromqlExpr {
    const range = this.duration(this.child(node, 1));
    return applyPostfix(this.build(this.child(node, 0)), (inner) => {
      if (inner.kind !== 'vectorSelector') {
        throw parseError(this.what, 'ranges only allowed for vector selectors');
      }
      if (inner.modifiers.offset !== undefined || inner.modifiers.at !== undefined) {
        throw parseError(this.what, 'no offset or @ modifiers allowed before range');
      }
      return { kind: 'matrixSelector', selector: inner, range, modifiers: {} };
    });
  }

  private subquery(node: SyntaxNode): PromqlExpr {
    const [exprNode, rangeNode, stepNode] = this.children(node);
    if (!exprNode || !rangeNode) {
      throw parseError(this.what, `incomplete subquery at position ${node.from}`);
    }

    const range = this.duration(rangeNode);
    const step = stepNode ? this.duration(stepNode) : undefined;
    return applyPostfix(this.build(exprNode), (inner) => ({
      kind: 'subquery',
      expr: inner,
      range,
      ...(step === undefined ? {} : { step }),
      modifiers: {},
    }));
  }

  /** A range or step: one duration literal. Duration arithmetic (3.x) is not supported. */
  private duration(node: SyntaxNode): string {
    const literal = this.children(node);
    const only = literal[0];
    if (literal.length !== 1 || only?.type.name !== 'NumberDurationLiteralInDurationContext') {
      throw unsupported('duration expressions are not supported');
    }
    return this.text(only);
  }

  private offset(node: SyntaxNode): PromqlExpr {
    const offset = this.offsetDuration(this.child(node, 2));
    return applyPostfix(this.build(this.child(node, 0)), (inner) =>
      setModifier(inner, { offset }, (reason) => parseError(this.what, reason)),
    );
  }

  private offsetDuration(node: SyntaxNode): string {
    const [first, second] = this.children(node);
    if (first?.type.name === 'NumberDurationLiteralInDurationContext') {
      return this.text(first);
    }
    if (first?.type.name === 'UnaryOp' && second?.type.name === 'OffsetDurationExpr') {
      const inner = this.offsetDuration(second);
      if (inner.startsWith('-') || inner.startsWith('+')) {
        throw unsupported('repeated signs in an offset are not supported');
      }
      return `${this.text(first)}${inner}`;
    }
    throw unsupported('duration expressions are not supported');
  }

  private at(node: SyntaxNode): PromqlExpr {
    const at = this.atModifier(this.child(node, 2));
    return applyPostfix(this.build(this.child(node, 0)), (inner) =>
      setModifier(inner, { at }, (reason) => parseError(this.what, reason)),
    );
  }

  private atModifier(node: SyntaxNode): AtModifier {
    if (node.type.name === 'NumberDurationLiteral') {
      return { kind: 'timestamp', text: this.text(node).replace(/\s+/g, '') };
    }

    const which = this.child(node, 0).type.name;
    if (which === 'AtStart') {
      return { kind: 'start' };
    }
    if (which === 'AtEnd') {
      return { kind: 'end' };
    }
    throw unsupported(`unsupported @ modifier ${which}`);
  }

  private unary(node: SyntaxNode): PromqlExpr {
    const op = this.text(this.child(node, 0));
    if (op !== '-' && op !== '+') {
      throw unsupported(`unsupported unary operator ${op}`);
    }
    return { kind: 'unary', op, expr: this.build(this.child(node, 1)) };
  }

  private binary(node: SyntaxNode): BinaryExpr {
    const parts = this.children(node);
    const left = parts[0];
    const opNode = parts[1];
    const right = parts[parts.length - 1];
    if (!left || !opNode || !right || parts.length < 3) {
      throw parseError(this.what, `incomplete binary expression at position ${node.from}`);
    }

    const expr: BinaryExpr = {
      kind: 'binary',
      op: this.binaryOp(opNode),
      left: this.build(left),
      right: this.build(right),
      bool: false,
    };
    for (const modifier of parts.slice(2, -1)) {
      this.binaryModifier(expr, modifier);
    }
    return expr;
  }

  private binaryOp(node: SyntaxNode): BinaryOp {
    const op = this.text(node).toLowerCase();
    const known = binaryOps.find((candidate) => candidate === op);
    if (!known) {
      throw unsupported(`unsupported binary operator ${op}`);
    }
    return known;
  }

  private binaryModifier(expr: BinaryExpr, node: SyntaxNode): void {
    switch (node.type.name) {
      case 'BoolModifier':
        expr.bool = true;
        return;
      case 'MatchingModifierClause':
        expr.matching = this.vectorMatching(node);
        return;
      default:
        throw unsupported(`unsupported binary modifier ${node.type.name}`);
    }
  }

  private vectorMatching(node: SyntaxNode): VectorMatching {
    const [cardNode, labelsNode, groupNode, groupLabelsNode] = this.children(node);
    const card = cardNode?.type.name === 'On' ? 'on' : 'ignoring';
    const matching: VectorMatching = { card, labels: this.groupingLabels(labelsNode) };
    if (groupNode) {
      const side = groupNode.type.name === 'GroupLeft' ? 'left' : 'right';
      matching.group = {
        side,
        labels: groupLabelsNode ? this.groupingLabels(groupLabelsNode) : [],
      };
    }
    return matching;
  }

  private groupingLabels(node: SyntaxNode | undefined): string[] {
    if (node?.type.name !== 'GroupingLabels') {
      throw parseError(this.what, 'expected a list of label names');
    }
    return this.children(node).map((child) =>
      child.type.name === 'QuotedLabelName' ? this.string(this.child(child, 0)) : this.text(child),
    );
  }

  private aggregate(node: SyntaxNode): AggregateExpr {
    const parts = this.children(node);
    const op = this.aggregateOp(this.child(node, 0));
    const body = parts.find((part) => part.type.name === 'FunctionCallBody');
    const modifier = parts.find((part) => part.type.name === 'AggregateModifier');
    const args = body ? this.children(body).map((arg) => this.build(arg)) : [];

    const expected = parameterised.has(op) ? 2 : 1;
    const expr = args[expected - 1];
    if (args.length !== expected || !expr) {
      throw parseError(this.what, `wrong number of arguments for aggregate expression ${op}`);
    }

    const aggregate: AggregateExpr = { kind: 'aggregate', op, expr };
    if (expected === 2) {
      aggregate.param = args[0];
    }
    if (modifier) {
      const without = this.child(modifier, 0).type.name === 'Without';
      aggregate.grouping = { without, labels: this.groupingLabels(this.child(modifier, 1)) };
    }
    return aggregate;
  }

  private aggregateOp(node: SyntaxNode): AggregateOp {
    const op = this.text(node).toLowerCase();
    const known = aggregateOps.find((candidate) => candidate === op);
    if (!known) {
      throw unsupported(`unsupported aggregation ${op}`);
    }
    return known;
  }

  private call(node: SyntaxNode): PromqlExpr {
    const func = this.text(this.child(node, 0));
    const args = this.children(this.child(node, 1)).map((arg) => this.build(arg));
    return { kind: 'call', func, args };
  }
}
