import { parseChecked } from '../lezer/parse-checked.js';
import { parser } from '@grafana/lezer-logql';

import { parseError, type ParseWhat } from '../promql/promql-errors.js';
import { LogqlAstBuilder } from './build-logql-ast.js';
import type { LogqlExpr } from './logql-ast.js';
import { LogqlSyntax } from './logql-syntax.js';

/**
 * Parses LogQL into the typed tree. A tree with any lezer error node is rejected whole
 * (docs/enforcement.md): Gatehouse never rewrites a query it could not fully read.
 */
export function parseLogql(text: string, what: ParseWhat): LogqlExpr {
  const tree = parseChecked(parser, text, what);

  const syntax = new LogqlSyntax(text, what);
  const exprs = syntax.children(tree.topNode);
  const [expr] = exprs;
  if (!expr || exprs.length !== 1) {
    throw parseError(what, exprs.length === 0 ? 'empty expression' : 'more than one expression');
  }
  return new LogqlAstBuilder(syntax).expr(expr);
}
