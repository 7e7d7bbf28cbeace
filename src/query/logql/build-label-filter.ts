import type { SyntaxNode } from '@lezer/common';

import { buildMatcher } from './build-matcher.js';
import type { CompareOp, LabelFilter } from './logql-ast.js';
import type { LogqlSyntax } from './logql-syntax.js';

const compareOps: ReadonlySet<string> = new Set<CompareOp>(['>', '>=', '<', '<=', '!=', '=', '==']);

/**
 * A label filter expression (docs: log queries, "Label filter expression"). Binary filters keep
 * the user's operator (`and`, `,` or `or`) and parentheses: Loki evaluates predicates left to
 * right while lezer-logql groups `and` first, so only the user's own token order is safe to print.
 */
export function buildLabelFilter(syntax: LogqlSyntax, node: SyntaxNode): LabelFilter {
  const parts = syntax.children(node);
  const [first, second, third] = parts;
  if (parts.length === 1 && first) {
    return single(syntax, first);
  }
  if (parts.length === 2 && first && second) {
    // `a="b", c="d"`: the comma is an anonymous token between two filters.
    return binary(syntax, ',', first, second);
  }
  if (parts.length === 3 && first && second && third) {
    return binary(syntax, connective(syntax, second), first, third);
  }
  return syntax.fail(`incomplete label filter at position ${node.from}`);
}

function single(syntax: LogqlSyntax, node: SyntaxNode): LabelFilter {
  switch (node.type.name) {
    case 'Matcher':
      return { kind: 'matcher', matcher: buildMatcher(syntax, node) };
    case 'IpLabelFilter':
      return ipFilter(syntax, node);
    case 'UnitFilter':
      return compare(syntax, onlyChild(syntax, node));
    case 'NumberFilter':
      return compare(syntax, node);
    case 'LabelFilter':
      // A LabelFilter holding one LabelFilter is the user's `( ... )`.
      return { kind: 'paren', filter: buildLabelFilter(syntax, node) };
    default:
      throw syntax.unknown(node, 'a label filter');
  }
}

function binary(
  syntax: LogqlSyntax,
  op: 'and' | 'or' | ',',
  left: SyntaxNode,
  right: SyntaxNode,
): LabelFilter {
  if (left.type.name !== 'LabelFilter' || right.type.name !== 'LabelFilter') {
    return syntax.fail(`malformed label filter at position ${left.from}`);
  }
  return {
    kind: 'binary',
    op,
    left: buildLabelFilter(syntax, left),
    right: buildLabelFilter(syntax, right),
  };
}

function connective(syntax: LogqlSyntax, node: SyntaxNode): 'and' | 'or' {
  if (node.type.name === 'And') return 'and';
  if (node.type.name === 'Or') return 'or';
  throw syntax.unknown(node, 'a label filter');
}

function onlyChild(syntax: LogqlSyntax, node: SyntaxNode): SyntaxNode {
  const [only, ...rest] = syntax.children(node);
  if (rest.length > 0) throw syntax.unknown(rest[0] ?? node, node.type.name);
  return only ?? syntax.fail(`incomplete label filter at position ${node.from}`);
}

/** `x > 10ms`, `size <= 1KB`, `status != -1`: Duration, Bytes or a (signed) number. */
function compare(syntax: LogqlSyntax, node: SyntaxNode): LabelFilter {
  const parts = syntax.children(node);
  const [nameNode, opNode, valueNode] = parts;
  if (!nameNode || !opNode || !valueNode || parts.length !== 3) {
    return syntax.fail(`incomplete label filter at position ${node.from}`);
  }

  const op = syntax.text(opNode);
  if (!compareOps.has(op)) {
    return syntax.fail(`unknown comparison operator ${op}`);
  }
  return {
    kind: 'compare',
    name: syntax.text(nameNode),
    op: op as CompareOp,
    value: compareValue(syntax, valueNode),
  };
}

function compareValue(syntax: LogqlSyntax, node: SyntaxNode): string {
  switch (node.type.name) {
    case 'Duration':
    case 'Bytes':
      return syntax.text(node);
    case 'LiteralExpr':
      return signedNumber(syntax, node);
    default:
      throw syntax.unknown(node, 'a label filter value');
  }
}

/** LiteralExpr `Number | Add Number | Sub Number`, printed without the space a user may leave. */
export function signedNumber(syntax: LogqlSyntax, node: SyntaxNode): string {
  return syntax
    .children(node)
    .map((part) => {
      if (part.type.name === 'Number' || part.type.name === 'Add' || part.type.name === 'Sub') {
        return syntax.text(part);
      }
      throw syntax.unknown(part, 'a number');
    })
    .join('');
}

function ipFilter(syntax: LogqlSyntax, node: SyntaxNode): LabelFilter {
  syntax.expectKinds(node, ['Identifier', 'Eq', 'Neq', 'Ip', 'String']);
  const [nameNode, opNode] = syntax.children(node);
  const op = opNode ? syntax.text(opNode) : '';
  if (!nameNode || (op !== '=' && op !== '!=')) {
    return syntax.fail(`malformed ip() label filter at position ${node.from}`);
  }
  const value = syntax.string(syntax.child(node, 'String'));
  return { kind: 'ip', name: syntax.text(nameNode), op, value };
}
