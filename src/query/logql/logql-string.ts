import { quotePromqlString, unquotePromqlString } from '../promql/promql-string.js';

/**
 * LogQL string literals. Loki's lexer reads double-quoted strings with Go escapes and back-quoted
 * raw strings (docs: "use the backtick instead of `\"` to avoid escaping"); it decodes both with
 * Go's unquoting, which drops carriage returns from a raw string (strconv.Unquote). lezer-logql
 * reads no single-quoted strings, so they never reach this function.
 */
export function unquoteLogqlString(quoted: string): { value: string } | { error: string } {
  const raw = quoted.startsWith('`');
  return unquotePromqlString(raw ? quoted.replace(/\r/g, '') : quoted);
}

/** Gatehouse prints every LogQL string double-quoted; the escapes are the same as PromQL's. */
export function quoteLogqlString(value: string): string {
  return quotePromqlString(value);
}
