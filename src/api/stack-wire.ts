import type { Config } from '../config/config.js';
import type { Org } from '../model/org.js';
import type { Stack } from '../model/stack.js';
import { wireTime } from './wire-time.js';

export interface StackWireContext {
  org: Org;
  config: Pick<Config, 'regions'>;
  /** Where clients reach Gatehouse; every service of every stack is served there. */
  publicUrl: string;
}

/** StackV1 of the OpenAPI document (`/api/v1/stacks`). */
export function stackToV1Wire(stack: Stack, context: StackWireContext): Record<string, unknown> {
  return {
    id: stack.id,
    slug: stack.slug,
    name: stack.name,
    description: stack.description,
    region: stack.region,
    orgId: stack.orgId,
    orgSlug: context.org.slug,
    url: stack.url,
    deleteProtection: stack.deleteProtection,
    labels: stack.labels,
  };
}

/**
 * FormattedApiInstance (`/api/instances/<id>`). The document marks nearly every field required,
 * and Go clients fail on a wrong JSON type, so Grafana-only fields get neutral values of the
 * right type. Per-service ids and URLs are the ones clients log in with.
 */
export function stackToInstanceWire(
  stack: Stack,
  context: StackWireContext,
): Record<string, unknown> {
  return {
    ...stackFields(stack, context),
    ...serviceFields(stack, context.publicUrl),
    ...grafanaOnlyFields(),
    ...regionUrls(context.publicUrl),
  };
}

function stackFields(stack: Stack, { org, config }: StackWireContext): Record<string, unknown> {
  // Region ids and names as /stack-regions lists them (its ids count from 1).
  const index = config.regions.findIndex((region) => region.slug === stack.region);
  const region = config.regions[index];

  return {
    id: stack.id,
    slug: stack.slug,
    name: stack.name,
    url: stack.url,
    description: stack.description,
    status: stack.status,
    labels: stack.labels,
    deleteProtection: stack.deleteProtection,
    orgId: org.id,
    orgSlug: org.slug,
    orgName: org.name,
    orgCreatedAt: wireTime(org.createdAt),
    regionId: index + 1,
    regionSlug: stack.region,
    regionPublicName: region?.name ?? stack.region,
    clusterId: 0,
    clusterSlug: stack.region,
    clusterName: stack.region,
    createdAt: wireTime(stack.createdAt),
    createdBy: '',
    updatedAt: stack.updatedAt ? wireTime(stack.updatedAt) : null,
    updatedBy: null,
    links: [{ rel: 'self', href: `/instances/${stack.slug}` }],
  };
}

function serviceFields(stack: Stack, publicUrl: string): Record<string, unknown> {
  const ids = stack.instanceIds;
  const service = (prefix: string, id: number, name: string) => ({
    [`${prefix}Id`]: id,
    [`${prefix}Url`]: publicUrl,
    [`${prefix}Name`]: `${stack.slug}-${name}`,
    [`${prefix}Status`]: 'active',
    [`${prefix}ClusterId`]: 0,
  });

  return {
    ...service('hmInstanceProm', ids.metrics, 'prom'),
    hmInstancePromCurrentUsage: 0,
    hmInstancePromBillingUsage: 0,
    hmInstancePromCurrentActiveSeries: null,
    ...service('hmInstanceGraphite', ids.graphite, 'graphite'),
    hmInstanceGraphiteType: 'graphite-v5',
    hmInstanceGraphiteCurrentUsage: 0,
    hmInstanceGraphiteBillingUsage: 0,
    ...service('hlInstance', ids.logs, 'logs'),
    hlInstanceCurrentUsage: 0,
    hlInstanceBillingUsage: 0,
    ...service('htInstance', ids.traces, 'traces'),
    htInstanceCurrentUsage: 0,
    htInstanceBillingUsage: 0,
    ...service('hpInstance', ids.profiles, 'profiles'),
    hpInstanceCurrentUsage: 0,
    hpInstanceBillingUsage: 0,
    ...service('amInstance', ids.alerts, 'alerts'),
    amInstanceGeneratorUrl: publicUrl,
    amInstanceGeneratorUrlDatasource: '',
    agentManagementInstanceId: 0,
    agentManagementInstanceUrl: '',
    agentManagementInstanceName: '',
    agentManagementInstanceStatus: 'unknown',
    agentManagementInstanceClusterId: 0,
  };
}

function grafanaOnlyFields(): Record<string, unknown> {
  const zeros = [
    'alertCnt',
    'alertQuota',
    'billingActiveUsers',
    'billingGrafanaActiveUsers',
    'billingOnCallActiveUsers',
    'currentActiveAdminUsers',
    'currentActiveEditorUsers',
    'currentActiveUsers',
    'currentActiveViewerUsers',
    'dailyAdminCnt',
    'dailyEditorCnt',
    'dailyUserCnt',
    'dailyViewerCnt',
    'dashboardCnt',
    'dashboardQuota',
    'incident',
    'machineLearning',
    'trial',
    'userQuota',
  ];

  return {
    ...Object.fromEntries(zeros.map((name) => [name, 0])),
    billingStartDate: '',
    billingEndDate: null,
    customAuth: false,
    customDomain: false,
    datasourceCnts: {},
    gateway: 'gatehouse',
    // The document's plan enum has no self-hosted value; gcloud is its generic one.
    plan: 'gcloud',
    planName: 'Gatehouse',
    provider: 'self-hosted',
    providerRegion: '',
    runningVersion: '',
    version: '',
    ssl: false,
    support: false,
    trialExpiresAt: null,
    type: 'grafana',
    k6OrgId: null,
    machineLearningLogsToken: '',
    usageStatsId: '',
  };
}

function regionUrls(publicUrl: string): Record<string, unknown> {
  const names = [
    'regionStackStateServiceUrl',
    'regionSyntheticMonitoringApiUrl',
    'regionInsightsApiUrl',
    'regionIntegrationsApiUrl',
    'regionHostedExportersApiUrl',
    'regionMachineLearningApiUrl',
    'regionLLMGatewayUrl',
    'regionAssistantUrl',
    'regionSigilUrl',
  ];

  return Object.fromEntries(
    names.map((name) => [name, name === 'regionStackStateServiceUrl' ? publicUrl : '']),
  );
}
