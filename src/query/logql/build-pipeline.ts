import type { SyntaxNode } from '@lezer/common';

import { buildMatcher } from './build-matcher.js';
import { buildLabelFilter } from './build-label-filter.js';
import type {
  LabelExtraction,
  LabelFormatOp,
  LabelSelection,
  LineFilterOp,
  LineFilterStage,
  LineFilterValue,
  PipelineStage,
} from './logql-ast.js';
import type { LogqlSyntax } from './logql-syntax.js';

const lineFilterOps: ReadonlySet<string> = new Set<LineFilterOp>([
  '|=',
  '!=',
  '|~',
  '!~',
  '|>',
  '!>',
]);

/** The child kinds each piped stage may have; a stage kind not listed here fails closed. */
const stageChildren: Readonly<Record<string, readonly string[]>> = {
  LabelParser: ['Json', 'Unpack', 'Regexp', 'Pattern', 'String'],
  JsonExpressionParser: ['Json', 'LabelExtractionExpressionList'],
  LogfmtParser: ['Logfmt', 'LogfmtParserFlags'],
  LogfmtExpressionParser: ['Logfmt', 'LogfmtParserFlags', 'LabelExtractionExpressionList'],
  LabelFilter: [
    'Matcher',
    'IpLabelFilter',
    'UnitFilter',
    'NumberFilter',
    'LabelFilter',
    'And',
    'Or',
  ],
  LineFormatExpr: ['LineFormat', 'String'],
  LabelFormatExpr: ['LabelFormat', 'LabelsFormat'],
  DecolorizeExpr: ['Decolorize'],
  DropLabelsExpr: ['Drop', 'DropLabels'],
  KeepLabelsExpr: ['Keep', 'KeepLabels'],
};

/**
 * Builds the stages of a log pipeline (docs: log queries, "Log pipeline"). Every stage kind of
 * lezer-logql 0.3.0 is read by name; anything else fails closed.
 */
export class PipelineBuilder {
  constructor(private readonly syntax: LogqlSyntax) {}

  pipeline(node: SyntaxNode): PipelineStage[] {
    return this.syntax.listItems(node, 'PipelineStage').flatMap((stage) => this.stage(stage));
  }

  private stage(node: SyntaxNode): PipelineStage[] {
    const parts = this.syntax.children(node);
    const [first, second] = parts;
    if (first?.type.name === 'LineFilters' && parts.length === 1) {
      return this.syntax.listItems(first, 'LineFilter').map((filter) => this.lineFilter(filter));
    }
    if (first?.type.name !== 'Pipe' || !second || parts.length !== 2) {
      return this.syntax.fail(`incomplete pipeline stage at position ${node.from}`);
    }
    return [this.pipedStage(second)];
  }

  private pipedStage(node: SyntaxNode): PipelineStage {
    const allowed = stageChildren[node.type.name];
    if (!allowed) {
      throw this.syntax.unknown(node, 'a pipeline');
    }
    this.syntax.expectKinds(node, allowed);
    switch (node.type.name) {
      case 'LabelParser':
        return this.labelParser(node);
      case 'JsonExpressionParser':
        return { kind: 'json', extractions: this.extractions(node) };
      case 'LogfmtParser':
      case 'LogfmtExpressionParser':
        return {
          kind: 'logfmt',
          flags: this.logfmtFlags(node),
          extractions: this.extractions(node),
        };
      case 'LabelFilter':
        return { kind: 'labelFilter', filter: buildLabelFilter(this.syntax, node) };
      case 'LineFormatExpr':
        return {
          kind: 'lineFormat',
          template: this.syntax.string(this.syntax.child(node, 'String')),
        };
      case 'LabelFormatExpr':
        return { kind: 'labelFormat', ops: this.labelFormatOps(node) };
      case 'DecolorizeExpr':
        return { kind: 'decolorize' };
      case 'DropLabelsExpr':
        return { kind: 'drop', labels: this.selections(node, 'DropLabels', 'DropLabel') };
      case 'KeepLabelsExpr':
        return { kind: 'keep', labels: this.selections(node, 'KeepLabels', 'KeepLabel') };
      default:
        throw this.syntax.unknown(node, 'a pipeline');
    }
  }

  /** `|= "a"`, `!~ "b" or "c"`, `|= ip("10.0.0.0/8")`. */
  private lineFilter(node: SyntaxNode): LineFilterStage {
    const op = this.syntax.text(this.syntax.child(node, 'Filter'));
    if (!lineFilterOps.has(op)) {
      return this.syntax.fail(`unknown line filter operator ${op}`);
    }
    return { kind: 'lineFilter', op: op as LineFilterOp, values: this.lineFilterValues(node) };
  }

  /** The alternatives of a line filter or of its `or` tail (grammar OrFilter), in order. */
  private lineFilterValues(node: SyntaxNode): LineFilterValue[] {
    const parts = this.syntax.children(node);
    return parts.flatMap((part, i) => {
      switch (part.type.name) {
        case 'Filter':
        case 'FilterOp':
        case 'Or':
          return [];
        case 'String':
          return [this.lineFilterValue(part, parts[i - 1])];
        case 'OrFilter':
          return this.lineFilterValues(part);
        default:
          throw this.syntax.unknown(part, 'a line filter');
      }
    });
  }

  /** A string, or the argument of the `ip(...)` function written just before it. */
  private lineFilterValue(node: SyntaxNode, before: SyntaxNode | undefined): LineFilterValue {
    const value = this.syntax.string(node);
    if (before?.type.name !== 'FilterOp') {
      return { kind: 'string', value };
    }
    const [fn, ...rest] = this.syntax.children(before);
    if (fn?.type.name !== 'Ip' || rest.length > 0) {
      throw this.syntax.unknown(fn ?? before, 'a line filter function');
    }
    return { kind: 'ip', value };
  }

  private labelParser(node: SyntaxNode): PipelineStage {
    const [parser] = this.syntax.children(node);
    switch (parser?.type.name) {
      case 'Json':
        return { kind: 'json', extractions: [] };
      case 'Unpack':
        return { kind: 'unpack' };
      case 'Regexp':
        return {
          kind: 'regexp',
          expression: this.syntax.string(this.syntax.child(node, 'String')),
        };
      case 'Pattern':
        return {
          kind: 'pattern',
          expression: this.syntax.string(this.syntax.child(node, 'String')),
        };
      default:
        throw this.syntax.unknown(parser ?? node, 'a parser');
    }
  }

  private logfmtFlags(node: SyntaxNode): string[] {
    const flags = this.syntax.optionalChild(node, 'LogfmtParserFlags');
    const items = flags ? this.syntax.listItems(flags, 'ParserFlag') : [];
    return items.map((flag) => this.syntax.text(flag));
  }

  /** `a, b="c.d"` after `| json` or `| logfmt`; none for the bare parsers. */
  private extractions(node: SyntaxNode): LabelExtraction[] {
    const list = this.syntax.optionalChild(node, 'LabelExtractionExpressionList');
    const items = list ? this.syntax.listItems(list, 'LabelExtractionExpression') : [];
    return items.map((item) => {
      this.syntax.expectKinds(item, ['Identifier', 'Eq', 'String']);
      const label = this.syntax.text(this.syntax.child(item, 'Identifier'));
      const expression = this.syntax.optionalChild(item, 'String');
      return expression ? { label, expression: this.syntax.string(expression) } : { label };
    });
  }

  private labelFormatOps(node: SyntaxNode): LabelFormatOp[] {
    const list = this.syntax.child(node, 'LabelsFormat');
    return this.syntax.listItems(list, 'LabelFormatMatcher').map((item) => {
      this.syntax.expectKinds(item, ['Identifier', 'Eq', 'String']);
      const [dstNode, , srcNode] = this.syntax.children(item);
      if (!dstNode || !srcNode) {
        return this.syntax.fail(`incomplete label_format at position ${item.from}`);
      }
      const dst = this.syntax.text(dstNode);
      return srcNode.type.name === 'String'
        ? { kind: 'template', dst, template: this.syntax.string(srcNode) }
        : { kind: 'rename', dst, src: this.syntax.text(srcNode) };
    });
  }

  /** The labels of `| drop` / `| keep`: bare names or matchers. */
  private selections(node: SyntaxNode, listName: string, itemName: string): LabelSelection[] {
    const items = this.syntax.listItems(this.syntax.child(node, listName), itemName);
    return items.map((item) => {
      this.syntax.expectKinds(item, ['Identifier', 'Matcher']);
      const [inner] = this.syntax.children(item);
      if (inner?.type.name === 'Identifier') {
        return { kind: 'name', name: this.syntax.text(inner) };
      }
      if (inner?.type.name === 'Matcher') {
        return { kind: 'matcher', matcher: buildMatcher(this.syntax, inner) };
      }
      throw this.syntax.unknown(inner ?? item, listName);
    });
  }
}
