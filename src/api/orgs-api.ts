import type { Config, RegionConfig } from '../config/config.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { RequestContext, Route } from '../http/route.js';
import type { ApiDeps } from './api-deps.js';
import { apiRoute as route } from './api-route.js';
import { sendJson } from './json-body.js';
import { offsetPage, orderedEnvelope } from './offset-page.js';
import { orgToWire } from './org-wire.js';
import { wireTime } from './wire-time.js';

/** The org (one per Gatehouse) and the configured regions, as Grafana Cloud lists them. */
export function orgRoutes(deps: ApiDeps): Route[] {
  return [
    route('orgs.get', '/api/orgs/:slugOrId', 'GET', (c) => getOrg(deps, c)),
    route('regions.list', '/api/stack-regions', 'GET', (c) => listRegions(deps, c)),
  ];
}

async function getOrg(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'orgs:read');
  const key = context.params.slugOrId ?? '';
  const known = key === deps.org.slug || key === String(deps.org.id);
  if (!known || !principal.policy.coversOrg(deps.org.id))
    throw new GatehouseError('API_NOT_FOUND', { kind: 'org', id: key });

  sendJson(context, 200, orgToWire(deps.org, deps.publicUrl));
}

/** Any valid token may list regions (the document names no permission for it). */
async function listRegions(deps: ApiDeps, context: RequestContext): Promise<void> {
  await deps.access.require(context, null);
  const regions = deps.config.regions.map((region, index) => regionToWire(region, index, deps));

  const page = offsetPage(context.url.searchParams, regions, 1000);
  sendJson(
    context,
    200,
    orderedEnvelope(page, { orderBy: 'id', direction: 'asc' }, (r) => r),
  );
}

/** FormattedApiStackRegion, first variant: the fields Terraform and the gcom clients read. */
function regionToWire(
  region: RegionConfig,
  index: number,
  deps: { config: Config; org: { createdAt: Date } },
): Record<string, unknown> {
  return {
    id: index + 1,
    status: 'active',
    visibility: 'public',
    slug: region.slug,
    name: region.name ?? region.slug,
    publicName: region.name ?? region.slug,
    description: `Gatehouse region ${region.slug}`,
    provider: region.provider,
    createdAt: wireTime(deps.org.createdAt),
    updatedAt: null,
    sortOrder: index,
  };
}
