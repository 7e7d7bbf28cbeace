/**
 * RFC 3339 in UTC with `Z` and whole seconds, as Grafana Cloud writes times: Terraform parses and
 * re-formats them with Go's RFC3339 layout, so a value sent without fractions comes back equal.
 */
export function wireTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function optionalWireTime(date: Date | null): string | undefined {
  return date === null ? undefined : wireTime(date);
}
