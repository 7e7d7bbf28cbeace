/**
 * Scopes Gatehouse knows, in Grafana Cloud's `<service>:<permission>` form, and the scope sets
 * (`set:<name>`) that stand for several. Policies store scopes verbatim; unknown but well-formed
 * scopes are kept (clients such as Terraform send scopes of services Gatehouse does not serve).
 */
export interface ScopeInfo {
  name: string;
  description: string;
  requiresRealmType?: 'org' | 'stack';
}

const descriptions: Record<string, string> = {
  'metrics:read': 'Query metrics (Prometheus HTTP API, series, labels, metadata, exemplars)',
  'metrics:write': 'Write metrics (Prometheus remote write)',
  'metrics:delete': 'Delete metrics series',
  'metrics:import': 'Import metrics',
  'logs:read': 'Query and tail logs',
  'logs:write': 'Push logs',
  'logs:delete': 'Delete logs',
  'traces:read': 'Query traces',
  'traces:write': 'Write traces',
  'traces:delete': 'Delete traces',
  'profiles:read': 'Query profiles',
  'profiles:write': 'Write profiles',
  'alerts:read': 'Read Alertmanager state and configuration',
  'alerts:write': 'Change Alertmanager silences and configuration',
  'rules:read': 'Read recording and alerting rules',
  'rules:write': 'Change recording and alerting rules',
  'accesspolicies:read': 'Read access policies and tokens',
  'accesspolicies:write': 'Create and update access policies and tokens',
  'accesspolicies:delete': 'Delete access policies and tokens',
  'stacks:read': 'Read stacks',
  'stacks:write': 'Create and update stacks',
  'stacks:delete': 'Delete stacks',
  'stack-plugins:read': 'Read the plugins of a stack Grafana',
  'stack-plugins:write': 'Install and update plugins of a stack Grafana',
  'stack-plugins:delete': 'Remove plugins of a stack Grafana',
  'orgs:read': 'Read the organisation',
};

export const scopeSets: Record<string, readonly string[]> = {
  'set:alloy-data-write': ['metrics:write', 'logs:write', 'traces:write', 'profiles:write'],
};

export const knownScopes: readonly ScopeInfo[] = Object.entries(descriptions).map(
  ([name, description]) => ({ name, description }),
);

/** The scopes a policy really grants, with sets expanded. */
export function expandScopes(scopes: readonly string[]): Set<string> {
  const granted = new Set<string>();
  for (const scope of scopes) {
    for (const member of scopeSets[scope] ?? [scope]) granted.add(member);
  }

  return granted;
}

/** Grafana Cloud's rule (and Terraform's check): exactly one colon, both sides non-empty. */
export function isWellFormedScope(scope: string): boolean {
  return /^[^:\s]+:[^:\s]+$/.test(scope);
}
