import { parseError, type ParseWhat } from '../promql/promql-errors.js';

/**
 * The backends end a `#` comment at a carriage return as well as at a newline; the lezer
 * grammars only at a newline. Such text would be read two ways, so it is refused. (Carriage
 * returns alone, e.g. inside raw strings, are fine: the query is sent on as printed.)
 */
export function refuseAmbiguousComment(text: string, what: ParseWhat): void {
  if (text.includes('\r') && text.includes('#')) {
    throw parseError(what, 'a carriage return in a query with a # comment is ambiguous');
  }
}
