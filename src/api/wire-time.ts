/** RFC 3339 in UTC with milliseconds and `Z`, as Grafana Cloud writes times (Terraform parses them). */
export function wireTime(date: Date): string {
  return date.toISOString();
}

export function optionalWireTime(date: Date | null): string | undefined {
  return date === null ? undefined : date.toISOString();
}
