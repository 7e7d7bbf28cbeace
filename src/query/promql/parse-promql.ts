import { parseChecked } from '../lezer/parse-checked.js';
import { parser } from '@prometheus-io/lezer-promql';

import { PromqlAstBuilder } from './build-promql-ast.js';
import { parseError, type ParseWhat } from './promql-errors.js';
import type { PromqlExpr } from './promql-ast.js';

/**
 * Parses PromQL into the typed tree. A tree with any lezer error node is rejected whole
 * (docs/enforcement.md): Gatehouse never rewrites a query it could not fully read.
 */
export function parsePromql(text: string, what: ParseWhat): PromqlExpr {
  const tree = parseChecked(parser, text, what);

  const exprs: PromqlExpr[] = [];
  const builder = new PromqlAstBuilder(text, what);
  for (let node = tree.topNode.firstChild; node; node = node.nextSibling) {
    if (node.type.name !== 'LineComment') exprs.push(builder.build(node));
  }
  const [expr] = exprs;
  if (!expr || exprs.length !== 1) {
    throw parseError(what, exprs.length === 0 ? 'empty expression' : 'more than one expression');
  }
  return expr;
}
