import type { SyntaxNode } from '@lezer/common';

import { buildMatcher } from './build-matcher.js';
import { buildLabelFilter, signedNumber } from './build-label-filter.js';
import { PipelineBuilder } from './build-pipeline.js';
import {
  binaryOps,
  rangeOps,
  vectorOps,
  type BinaryExpr,
  type Grouping,
  type LogqlExpr,
  type LogQuery,
  type LogRange,
  type MetricExpr,
  type RangeAggregation,
  type StreamSelector,
  type Unwrap,
  type UnwrapConversion,
  type VectorAggregation,
  type VectorMatching,
} from './logql-ast.js';
import type { LogqlSyntax } from './logql-syntax.js';

const conversions: Readonly<Record<string, UnwrapConversion>> = {
  BytesConv: 'bytes',
  DurationConv: 'duration',
  DurationSecondsConv: 'duration_seconds',
};

const unwrapChildren = ['UnwrapExpr', 'Pipe', 'LabelFilter', 'Unwrap', 'ConvOp', 'Identifier'];

/**
 * Turns a lezer-logql 0.3.0 tree that has no error node into the typed tree. Every node kind is
 * handled by name; anything else fails closed with QUERY_UNSUPPORTED.
 */
export class LogqlAstBuilder {
  private readonly pipelines: PipelineBuilder;

  constructor(private readonly syntax: LogqlSyntax) {
    this.pipelines = new PipelineBuilder(syntax);
  }

  expr(node: SyntaxNode): LogqlExpr {
    switch (node.type.name) {
      case 'Expr':
        return this.expr(this.only(node));
      case 'LogExpr':
        return this.logQuery(node);
      case 'MetricExpr':
        return this.metric(node);
      default:
        throw this.syntax.unknown(node, 'an expression');
    }
  }

  private only(node: SyntaxNode): SyntaxNode {
    const parts = this.syntax.children(node);
    const [only] = parts;
    if (!only || parts.length !== 1) {
      return this.syntax.fail(`malformed ${node.type.name} at position ${node.from}`);
    }
    return only;
  }

  /** `{...} | stages`, or the same in parentheses (which change nothing and are not kept). */
  private logQuery(node: SyntaxNode): LogQuery {
    this.syntax.expectKinds(node, ['LogExpr', 'Selector', 'PipelineExpr']);
    const inner = this.syntax.optionalChild(node, 'LogExpr');
    if (inner) {
      return this.logQuery(inner);
    }
    const pipeline = this.syntax.optionalChild(node, 'PipelineExpr');
    return {
      kind: 'log',
      selector: this.selector(this.syntax.child(node, 'Selector')),
      pipeline: pipeline ? this.pipelines.pipeline(pipeline) : [],
    };
  }

  selector(node: SyntaxNode): StreamSelector {
    this.syntax.expectKinds(node, ['Matchers']);
    const matchers = this.syntax.listItems(this.syntax.child(node, 'Matchers'), 'Matcher');
    return { matchers: matchers.map((matcher) => buildMatcher(this.syntax, matcher)) };
  }

  private metric(node: SyntaxNode): MetricExpr {
    const inner = this.only(node);
    switch (inner.type.name) {
      case 'RangeAggregationExpr':
        return this.rangeAggregation(inner);
      case 'VectorAggregationExpr':
        return this.vectorAggregation(inner);
      case 'BinOpExpr':
        return this.binary(inner);
      case 'LiteralExpr':
        return { kind: 'literal', text: signedNumber(this.syntax, inner) };
      case 'VectorExpr':
        this.syntax.expectKinds(inner, ['Vector', 'Number']);
        return { kind: 'vector', text: this.syntax.text(this.syntax.child(inner, 'Number')) };
      case 'LabelReplaceExpr':
        return this.labelReplace(inner);
      case 'MetricExpr':
        return { kind: 'paren', expr: this.metric(inner) };
      default:
        throw this.syntax.unknown(inner, 'a metric query');
    }
  }

  private rangeAggregation(node: SyntaxNode): RangeAggregation {
    this.syntax.expectKinds(node, ['RangeOp', 'Number', 'LogRangeExpr', 'Grouping']);
    const opText = this.syntax.text(this.syntax.child(node, 'RangeOp'));
    const op = rangeOps.find((candidate) => candidate === opText);
    if (!op) {
      throw this.syntax.unknown(node, `range aggregation ${opText}`);
    }

    const aggregation: RangeAggregation = {
      kind: 'rangeAggregation',
      op,
      range: this.logRange(this.syntax.child(node, 'LogRangeExpr')),
    };
    const param = this.syntax.optionalChild(node, 'Number');
    const grouping = this.syntax.optionalChild(node, 'Grouping');
    if (param) aggregation.param = this.syntax.text(param);
    if (grouping) aggregation.grouping = this.grouping(grouping);
    return aggregation;
  }

  /** Every order lezer-logql accepts (range before or after the pipeline) reads into one shape. */
  private logRange(node: SyntaxNode): LogRange {
    const nested = this.syntax.optionalChild(node, 'LogRangeExpr');
    if (nested) {
      this.syntax.expectKinds(node, ['LogRangeExpr']);
      return this.logRange(nested);
    }

    const range: Partial<LogRange> = {};
    for (const part of this.syntax.children(node)) {
      this.logRangePart(range, part);
    }
    if (!range.selector || range.range === undefined) {
      return this.syntax.fail(`incomplete log range at position ${node.from}`);
    }
    return { pipeline: [], ...range, selector: range.selector, range: range.range };
  }

  private logRangePart(range: Partial<LogRange>, part: SyntaxNode): void {
    switch (part.type.name) {
      case 'Selector':
        range.selector = this.selector(part);
        return;
      case 'PipelineExpr':
        range.pipeline = this.pipelines.pipeline(part);
        return;
      case 'UnwrapExpr':
        range.unwrap = this.unwrap(part);
        return;
      case 'Range':
        this.syntax.expectKinds(part, ['Duration']);
        range.range = this.syntax.text(this.syntax.child(part, 'Duration'));
        return;
      case 'OffsetExpr':
        this.syntax.expectKinds(part, ['Offset', 'Duration']);
        range.offset = this.syntax.text(this.syntax.child(part, 'Duration'));
        return;
      default:
        throw this.syntax.unknown(part, 'a log range');
    }
  }

  /** `| unwrap x`, `| unwrap bytes(x)`, then `| <label filter>` repeated (grammar UnwrapExpr). */
  private unwrap(node: SyntaxNode): Unwrap {
    this.syntax.expectKinds(node, unwrapChildren);
    const inner = this.syntax.optionalChild(node, 'UnwrapExpr');
    if (inner) {
      const unwrap = this.unwrap(inner);
      const filter = buildLabelFilter(this.syntax, this.syntax.child(node, 'LabelFilter'));
      return { ...unwrap, filters: [...unwrap.filters, filter] };
    }

    const label = this.syntax.text(this.syntax.child(node, 'Identifier'));
    const convOp = this.syntax.optionalChild(node, 'ConvOp');
    if (!convOp) {
      return { label, filters: [] };
    }
    const [fn] = this.syntax.children(convOp);
    const conversion = fn ? conversions[fn.type.name] : undefined;
    if (!conversion) {
      throw this.syntax.unknown(fn ?? convOp, 'unwrap');
    }
    return { label, conversion, filters: [] };
  }

  private grouping(node: SyntaxNode): Grouping {
    this.syntax.expectKinds(node, ['By', 'Without', 'Labels']);
    const without = this.syntax.optionalChild(node, 'Without') !== undefined;
    const list = this.syntax.optionalChild(node, 'Labels');
    const labels = list ? this.syntax.listItems(list, 'Identifier') : [];
    return { without, labels: labels.map((label) => this.syntax.text(label)) };
  }

  private vectorAggregation(node: SyntaxNode): VectorAggregation {
    this.syntax.expectKinds(node, ['VectorOp', 'Grouping', 'Number', 'MetricExpr']);
    const opText = this.syntax.text(this.syntax.child(node, 'VectorOp')).toLowerCase();
    const op = vectorOps.find((candidate) => candidate === opText);
    if (!op) {
      throw this.syntax.unknown(node, `vector aggregation ${opText}`);
    }

    const aggregation: VectorAggregation = {
      kind: 'vectorAggregation',
      op,
      expr: this.metric(this.syntax.child(node, 'MetricExpr')),
    };
    const param = this.syntax.optionalChild(node, 'Number');
    const grouping = this.syntax.optionalChild(node, 'Grouping');
    if (param) aggregation.param = this.syntax.text(param);
    if (grouping) aggregation.grouping = this.grouping(grouping);
    return aggregation;
  }

  private binary(node: SyntaxNode): BinaryExpr {
    const parts = this.syntax.children(node);
    const [left, opNode, modifierNode] = parts;
    const right = parts[parts.length - 1];
    if (!left || !opNode || !right || parts.length < 3) {
      return this.syntax.fail(`incomplete binary operation at position ${node.from}`);
    }
    if (parts.length > 4 || (parts.length === 4 && modifierNode?.type.name !== 'BinOpModifier')) {
      throw this.syntax.unknown(modifierNode ?? node, 'a binary operation');
    }

    const opText = this.syntax.text(opNode).toLowerCase();
    const op = binaryOps.find((candidate) => candidate === opText);
    if (!op) {
      throw this.syntax.unknown(opNode, 'a binary operation');
    }
    const modifier = this.syntax.optionalChild(node, 'BinOpModifier');
    if (modifier) {
      // prettier-ignore
      this.syntax.expectKinds(modifier, [
        'Bool', 'OnOrIgnoringModifier', 'GroupLeft', 'GroupRight', 'GroupingLabels',
      ]);
    }
    const expr: BinaryExpr = {
      kind: 'binary',
      op,
      bool: modifier ? this.syntax.optionalChild(modifier, 'Bool') !== undefined : false,
      left: this.operand(left),
      right: this.operand(right),
    };
    const matching = modifier ? this.vectorMatching(modifier) : undefined;
    if (matching) expr.matching = matching;
    return expr;
  }

  /** Loki's grammar takes only metric queries as operands; lezer-logql also takes log queries. */
  private operand(node: SyntaxNode): MetricExpr {
    const expr = this.expr(node);
    if (expr.kind === 'log') {
      return this.syntax.fail(
        'a binary operation needs metric queries on both sides, got a log query',
      );
    }
    return expr;
  }

  private vectorMatching(modifier: SyntaxNode): VectorMatching | undefined {
    const clause = this.syntax.optionalChild(modifier, 'OnOrIgnoringModifier');
    if (!clause) {
      return undefined;
    }

    this.syntax.expectKinds(clause, ['On', 'Ignoring', 'GroupingLabels']);
    const card = this.syntax.optionalChild(clause, 'On') ? 'on' : 'ignoring';
    const matching: VectorMatching = {
      card,
      labels: this.groupingLabels(this.syntax.child(clause, 'GroupingLabels')),
    };
    const left = this.syntax.optionalChild(modifier, 'GroupLeft');
    const right = this.syntax.optionalChild(modifier, 'GroupRight');
    if (left || right) {
      const labels = this.syntax.optionalChild(modifier, 'GroupingLabels');
      matching.group = {
        side: left ? 'left' : 'right',
        labels: labels ? this.groupingLabels(labels) : [],
      };
    }
    return matching;
  }

  private groupingLabels(node: SyntaxNode): string[] {
    this.syntax.expectKinds(node, ['GroupingLabelList']);
    const list = this.syntax.optionalChild(node, 'GroupingLabelList');
    const items = list ? this.syntax.listItems(list, 'GroupingLabel') : [];
    return items.map((item) => {
      this.syntax.expectKinds(item, ['LabelName']);
      return this.syntax.text(this.syntax.child(item, 'LabelName'));
    });
  }

  private labelReplace(node: SyntaxNode): MetricExpr {
    this.syntax.expectKinds(node, ['LabelReplace', 'MetricExpr', 'String']);
    const strings = this.syntax.children(node).filter((part) => part.type.name === 'String');
    const [dst, replacement, src, regex] = strings.map((part) => this.syntax.string(part));
    if (
      dst === undefined ||
      replacement === undefined ||
      src === undefined ||
      regex === undefined
    ) {
      return this.syntax.fail(`label_replace needs 4 string arguments at position ${node.from}`);
    }
    const expr = this.metric(this.syntax.child(node, 'MetricExpr'));
    return { kind: 'labelReplace', expr, dst, replacement, src, regex };
  }
}
