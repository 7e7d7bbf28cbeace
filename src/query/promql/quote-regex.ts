/**
 * Escapes a literal for an RE2 regex the way Go's regexp.QuoteMeta does, so the value matches
 * only itself inside the `^(?:...)$` Prometheus wraps label regexes in.
 */
export function quoteRegex(literal: string): string {
  return literal.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
