import type { Org } from '../model/org.js';
import { wireTime } from './wire-time.js';

/**
 * FormattedApiOrgPublic. The document requires about seventy fields, most about billing and
 * usage; Gatehouse has none of that, so they carry neutral values of the documented types.
 */
export function orgToWire(org: Org, publicUrl: string): Record<string, unknown> {
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    url: publicUrl,
    createdAt: wireTime(org.createdAt),
    updatedAt: org.updatedAt ? wireTime(org.updatedAt) : null,
    maxTokenExpirationDays: 0,
    disableTokenExpirationEmails: false,
    mfaRequired: false,
    mfaAdminRecoveryOnly: false,
    links: [{ rel: 'self', href: `/orgs/${org.slug}` }],
    licenseProducts: [],
    subscriptions: noSubscription,
    ...neutral(zeroFields, 0),
    ...neutral(falseFields, false),
    ...neutral(nullFields, null),
    ...neutral(emptyStringFields, ''),
  };
}

const noSubscription = {
  current: {
    product: null,
    isTrial: false,
    startDate: null,
    endDate: null,
    payload: {},
    plan: null,
    publicName: null,
    enterprisePluginsAdded: false,
    planBillingCycle: null,
  },
  next: null,
};

const zeroFields = [
  'appO11YUsage',
  'awsMarketplaceSupport',
  'checksPerMonth',
  'contractTypeId',
  'creditApproved',
  'enterprisePlugins',
  'feO11YUsage',
  'gcloudMonthlyCost',
  'geInstancesUsage',
  'geUsersUsage',
  'grafanaCloud',
  'hgCurrentActiveUsers',
  'hgGrafanaUsage',
  'hgInstanceLimit',
  'hgOnCallUsage',
  'hgUsage',
  'hlInstanceLimit',
  'hlRetentionUsage',
  'hlUsage',
  'hmCurrentUsage',
  'hmGraphiteUsage',
  'hmInstanceLimit',
  'hmUsage',
  'hpUsage',
  'htUsage',
  'infraO11YContainersUsage',
  'infraO11YHostsUsage',
  'irmUsage',
  'k6IPUsage',
  'k6VuhUsage',
  'retainedStackId',
  'smBrowserUsage',
  'smUsage',
  'userQuota',
];

const falseFields = [
  'allowGCloudTrial',
  'emergencySupport',
  'isStaff',
  'kapaDeflectorEnabled',
  'liveChatEnabled',
];

const nullFields = [
  'avatar',
  'cancellationDate',
  'createdBy',
  'isource',
  'msaSignedAt',
  'msaSignedBy',
  'osource',
  'resellerName',
  'trialEndDate',
  'trialNoticeDate',
  'trialStartDate',
  'updatedBy',
  'resellerId',
  'trialLengthDays',
];

const emptyStringFields = [
  'contractType',
  'pluginSignatureType',
  'privacy',
  'reseller',
  'supportPlan',
  'wpPlan',
];

function neutral(names: readonly string[], value: unknown): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, value]));
}
