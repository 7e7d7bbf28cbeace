import { bool, int, list, obj, oneOf, optional, str, type Check } from './schema-check.js';

const hostPort = str({
  pattern: /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/,
  hint: 'host:port',
});
const httpUrl = str({ pattern: /^https?:\/\/[^\s]+$/, hint: 'an http(s) URL' });
const slug = str({ pattern: /^[a-z0-9][a-z0-9_-]{0,62}$/, hint: 'a slug of a-z, 0-9, - and _' });
const labelName = str({ pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/, hint: 'a Prometheus label name' });
const cidr = str({ pattern: /^[0-9a-fA-F.:]+\/\d{1,3}$/, hint: 'a CIDR such as 10.0.0.0/8' });

/** How one backend separates tenants (docs/enforcement.md). */
export const tenancyModes = ['header', 'none', 'label'] as const;
/** How label policies reach the backend (docs/enforcement.md). */
export const lbacModes = ['rewrite', 'header', 'vm'] as const;
export const metricsKinds = ['prometheus', 'mimir', 'victoriametrics'] as const;

const metricsBackend = obj(
  {
    url: httpUrl,
    kind: oneOf(metricsKinds),
    tenancy: oneOf(tenancyModes),
    tenantLabel: labelName,
    lbac: oneOf(lbacModes),
    readPrefix: optional(str({ pattern: /^\/\S*$/, hint: 'a path starting with /' })),
    writePath: optional(str({ pattern: /^\/\S*$/, hint: 'a path starting with /' })),
    basicAuth: optional(obj({ username: str(), password: str() })),
  },
  { kind: 'prometheus', tenancy: 'none', tenantLabel: 'tenant', lbac: 'rewrite' },
);

/** The document's enum for a region's provider; typed clients reject other values. */
export const regionProviders = ['aws', 'azure', 'fedramp-palantir', 'gcp'] as const;

/** Loki's label access control reads X-Prom-Label-Policy too; `vm` is metrics-only. */
export const logsLbacModes = ['rewrite', 'header'] as const;

const logsBackend = obj(
  {
    url: httpUrl,
    tenancy: oneOf(tenancyModes),
    tenantLabel: labelName,
    lbac: oneOf(logsLbacModes),
    basicAuth: optional(obj({ username: str(), password: str() })),
  },
  { tenancy: 'header', tenantLabel: 'tenant', lbac: 'rewrite' },
);

const region = obj(
  {
    slug,
    name: optional(str()),
    provider: oneOf(regionProviders),
    metrics: optional(metricsBackend),
    logs: optional(logsBackend),
  },
  { provider: 'gcp' },
);

const limits = obj(
  {
    maxBodyBytes: int(1024, 1 << 30),
    maxDecodedBodyBytes: int(1024, 1 << 30),
    upstreamTimeoutMs: int(100, 600_000),
    usageFlushMs: int(100, 3_600_000),
    accessPolicyRequestsPerHour: int(0, 10_000_000),
  },
  {
    maxBodyBytes: 10 * 1024 * 1024,
    maxDecodedBodyBytes: 64 * 1024 * 1024,
    upstreamTimeoutMs: 120_000,
    usageFlushMs: 10_000,
    accessPolicyRequestsPerHour: 600,
  },
);

export const configCheck = obj(
  {
    listen: hostPort,
    internalListen: hostPort,
    dataDir: str(),
    publicUrl: optional(httpUrl),
    org: obj({ slug, name: str() }, { slug: 'local', name: 'Local' }),
    trustedProxies: list(cidr),
    regions: list(region, { min: 1 }),
    limits,
    log: obj(
      { level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const) },
      {
        level: 'info',
      },
    ),
    printAdminToken: bool(),
  },
  {
    listen: '127.0.0.1:8080',
    internalListen: '127.0.0.1:8081',
    dataDir: './data',
    org: { slug: 'local', name: 'Local' },
    trustedProxies: [],
    regions: [
      {
        slug: 'local',
        name: undefined,
        provider: 'gcp',
        metrics: {
          url: 'http://127.0.0.1:9090',
          kind: 'prometheus',
          tenancy: 'none',
          tenantLabel: 'tenant',
          lbac: 'rewrite',
          readPrefix: undefined,
          writePath: undefined,
          basicAuth: undefined,
        },
        logs: undefined,
      },
    ],
    printAdminToken: true,
  },
);

type Checked<C> = C extends Check<infer T> ? T : never;

export type Config = Checked<typeof configCheck>;
export type RegionConfig = Config['regions'][number];
export type MetricsBackendConfig = NonNullable<RegionConfig['metrics']>;
export type LogsBackendConfig = NonNullable<RegionConfig['logs']>;
