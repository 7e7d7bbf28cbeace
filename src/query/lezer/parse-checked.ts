import type { Tree } from '@lezer/common';
import type { LRParser } from '@lezer/lr';
import { parseError, type ParseWhat } from '../promql/promql-errors.js';
import { refuseAmbiguousComment } from './comment-guard.js';
import { firstErrorPosition } from './first-error-position.js';
import { refuseLongQuery } from './query-length.js';

/**
 * The checks every query goes through before its tree is read (docs/enforcement.md): not too long, no
 * text the backend would read differently, and a tree without any error node.
 */
export function parseChecked(parser: LRParser, text: string, what: ParseWhat): Tree {
  refuseLongQuery(text);
  refuseAmbiguousComment(text, what);

  const tree = parser.parse(text);
  const errorAt = firstErrorPosition(tree);
  if (errorAt !== undefined) throw parseError(what, `unexpected input at position ${errorAt}`);

  return tree;
}
