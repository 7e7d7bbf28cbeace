import type { Config } from '../config/config.js';
import type { Org } from '../model/org.js';
import type { NewStack, StackPatch } from '../store/store.js';
import { invalid, preview, readObject } from './input-fields.js';

/** Stack slugs as Grafana Cloud accepts them (Terraform: ^[a-z][a-z0-9]+$, at most 29). */
const slugPattern = /^[a-z][a-z0-9]{0,28}$/;
const labelText = /^[a-zA-Z0-9/\-._]*$/;

export type StackFields = Omit<NewStack, 'orgId'>;

/**
 * A new stack from StackCreateRequestV1 (`/v1/stacks`, where `region` and `org` are required and
 * `deleteProtection` defaults to true) or the legacy `/instances` body (region defaults to the
 * first configured one, `deleteProtection` to false).
 */
export function readStackCreate(
  body: Record<string, unknown>,
  shape: 'v1' | 'instance',
  context: { config: Config; org: Org },
): StackFields {
  const region = readRegion(body.region, shape, context.config);
  // The document requires `org`; Gatehouse has one org, so an absent `org` means that one.
  if (body.org !== undefined) readOrg(body.org, context.org);

  return {
    slug: readSlug(body.slug),
    name: readStackName(body.name),
    region,
    description: optionalString(body.description, 'description') ?? '',
    url: optionalString(body.url, 'url') ?? '',
    labels: body.labels === undefined || body.labels === null ? {} : readLabels(body.labels),
    deleteProtection: optionalBoolean(body.deleteProtection, 'deleteProtection') ?? shape === 'v1',
  };
}

/** StackUpdateRequestV1 and the `/instances/<id>` update: absent or null leaves a field alone. */
export function readStackUpdate(body: Record<string, unknown>): StackPatch {
  return {
    slug: body.slug === undefined || body.slug === null ? undefined : readSlug(body.slug),
    name: body.name === undefined || body.name === null ? undefined : readStackName(body.name),
    description: optionalString(body.description, 'description'),
    url: optionalString(body.url, 'url'),
    labels: body.labels === undefined || body.labels === null ? undefined : readLabels(body.labels),
    deleteProtection: optionalBoolean(body.deleteProtection, 'deleteProtection'),
  };
}

/**
 * Gatehouse's write-only extension of stack bodies: the service-account token of the stack's
 * Grafana, used for the plugins API. A string sets it, `null` or `""` clears it, absence keeps
 * it. It is never echoed, not even in an error message.
 */
export function readGrafanaToken(body: Record<string, unknown>): string | null | undefined {
  const value = body.grafanaToken;
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value === 'string' && value.length <= 4096 && /^[\x21-\x7e]+$/.test(value))
    return value;

  const received =
    typeof value === 'string' ? `a string of ${value.length} characters` : typeof value;
  throw invalid(
    'grafanaToken',
    `expected a service account token (up to 4096 printable characters, no spaces) or null, ` +
      `received ${received}`,
  );
}

function readRegion(value: unknown, shape: 'v1' | 'instance', config: Config): string {
  const known = config.regions.map((region) => region.slug);
  // Legacy clients send an empty region when none is chosen: the first configured one.
  if ((value === undefined || value === '') && shape === 'instance') return known[0] as string;
  if (typeof value === 'string' && known.includes(value)) return value;

  throw invalid('region', `expected one of ${known.join(', ')}, received ${preview(value)}`);
}

function readOrg(value: unknown, org: Org): void {
  if (value === org.slug || value === org.id || value === String(org.id)) return;

  throw invalid('org', `expected this org (${org.slug}), received ${preview(value)}`);
}

export function readSlug(value: unknown): string {
  if (typeof value === 'string' && slugPattern.test(value)) return value;

  throw invalid(
    'slug',
    `expected 1 to 29 characters of a-z and 0-9 starting with a letter, received ${preview(value)}`,
  );
}

function readStackName(value: unknown): string {
  if (typeof value === 'string' && value !== '' && value.length <= 255) return value;

  throw invalid('name', `expected 1 to 255 characters, received ${preview(value)}`);
}

function readLabels(value: unknown): Record<string, string> {
  const labels = readObject(value, 'labels');
  const entries = Object.entries(labels);
  if (entries.length > 10) throw invalid('labels', `at most 10 labels, received ${entries.length}`);

  for (const [key, label] of entries) {
    if (typeof label !== 'string' || key === '' || !labelText.test(key) || !labelText.test(label))
      throw invalid(`labels.${key}`, 'keys and values use a-z, A-Z, 0-9, /, -, . and _');
  }

  return labels as Record<string, string>;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.length <= 1024) return value;

  throw invalid(field, `expected a string of at most 1024 characters, received ${preview(value)}`);
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;

  throw invalid(field, `expected true or false, received ${preview(value)}`);
}
