import type { SyntaxNode } from '@lezer/common';

import type { LabelMatcher, MatchOp } from '../../model/label-matcher.js';
import type { LogqlSyntax } from './logql-syntax.js';

const matchOps: ReadonlySet<string> = new Set<MatchOp>(['=', '!=', '=~', '!~']);

/** `name op "value"`: a stream selector matcher, or a string label filter in a pipeline. */
export function buildMatcher(syntax: LogqlSyntax, node: SyntaxNode): LabelMatcher {
  const parts = syntax.children(node);
  const [nameNode, opNode, valueNode] = parts;
  const named = nameNode?.type.name === 'Identifier' && valueNode?.type.name === 'String';
  if (!named || !opNode || parts.length !== 3) {
    return syntax.fail(`incomplete matcher at position ${node.from}`);
  }

  const op = syntax.text(opNode);
  if (!matchOps.has(op)) {
    return syntax.fail(`unknown match operator ${op}`);
  }
  return { name: syntax.text(nameNode), op: op as MatchOp, value: syntax.string(valueNode) };
}
