import { GatehouseError } from '../errors/gatehouse-error.js';
import { sealGrafanaToken } from '../grafana/stack-grafana.js';
import type { RequestContext, Route } from '../http/route.js';
import type { Stack } from '../model/stack.js';
import { requireOrg } from './api-access.js';
import type { ApiDeps } from './api-deps.js';
import { apiRoute as route } from './api-route.js';
import { invalid, preview } from './input-fields.js';
import { readJsonObject, sendJson } from './json-body.js';
import { offsetPage, orderedEnvelope } from './offset-page.js';
import { nameGuard } from './policies-api.js';
import { connectionsToInstanceWire, connectionsToV1Wire } from './stack-connections-wire.js';
import { readGrafanaToken, readSlug, readStackCreate, readStackUpdate } from './stack-input.js';
import { filterStacks, sortStacks } from './stack-query.js';
import { stackToInstanceWire, stackToV1Wire } from './stack-wire.js';

type Shape = 'v1' | 'instance';

/**
 * Stacks under both of Grafana Cloud's paths: `/api/v1/stacks` (StackV1) and the older
 * `/api/instances` (FormattedApiInstance), which Terraform and the gcom clients still read.
 */
export function stackRoutes(deps: ApiDeps): Route[] {
  return [
    // Before `/api/v1/stacks/:idOrSlug`, which would take `checkUrl` for a slug.
    route('stacks.checkUrl', '/api/v1/stacks/checkUrl', 'POST', (c) => checkSlug(deps, c)),
    ...shapeRoutes(deps, 'v1', '/api/v1/stacks'),
    ...shapeRoutes(deps, 'instance', '/api/instances'),
    route('orgs.instances', '/api/orgs/:org/instances', 'GET', (c) => listOrgStacks(deps, c)),
  ];
}

function shapeRoutes(deps: ApiDeps, shape: Shape, base: string): Route[] {
  const name = shape === 'v1' ? 'stacks' : 'instances';
  const item = `${base}/:idOrSlug`;

  return [
    route(`${name}.list`, base, 'GET', (c) => listStacks(deps, c, shape)),
    route(`${name}.create`, base, 'POST', (c) => createStack(deps, c, shape)),
    route(`${name}.get`, item, 'GET', (c) => getStack(deps, c, shape)),
    route(`${name}.update`, item, 'POST', (c) => updateStack(deps, c, shape)),
    route(`${name}.delete`, item, 'DELETE', (c) => deleteStack(deps, c, shape)),
    route(`${name}.connections`, `${item}/connections`, 'GET', (c) => connections(deps, c, shape)),
    route(`${name}.readiness`, `${item}/readiness`, 'GET', (c) => readiness(deps, c)),
  ];
}

async function listStacks(deps: ApiDeps, context: RequestContext, shape: Shape): Promise<void> {
  const principal = await deps.access.require(context, 'stacks:read');
  const query = context.url.searchParams;
  const org = query.get('org') ?? query.get('orgSlug') ?? query.get('orgId');
  const sameOrg =
    org === null || org === '' || org === deps.org.slug || org === String(deps.org.id);

  const all = sameOrg ? await deps.store.listStacks(deps.org.id) : [];
  const visible = filterStacks(all, query).filter((stack) => principal.policy.coversStack(stack));
  sendList(deps, context, visible, shape);
}

async function listOrgStacks(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'stacks:read');
  const org = context.params.org ?? '';
  if (org !== deps.org.slug && org !== String(deps.org.id))
    throw new GatehouseError('API_NOT_FOUND', { kind: 'org', id: org });

  const all = await deps.store.listStacks(deps.org.id);
  const visible = filterStacks(all, context.url.searchParams).filter((stack) =>
    principal.policy.coversStack(stack),
  );
  sendList(deps, context, visible, 'instance');
}

function sendList(deps: ApiDeps, context: RequestContext, stacks: Stack[], shape: Shape): void {
  const query = context.url.searchParams;
  const order = sortStacks(stacks, query);

  if (shape === 'v1') {
    const page = offsetPage(query, stacks, 10);
    sendJson(context, 200, { ...page, items: page.items.map((s) => stackToV1Wire(s, deps)) });
    return;
  }

  const page = offsetPage(query, stacks, 1000);
  sendJson(
    context,
    200,
    orderedEnvelope(page, order, (s) => stackToInstanceWire(s, deps)),
  );
}

async function createStack(deps: ApiDeps, context: RequestContext, shape: Shape): Promise<void> {
  const principal = await deps.access.require(context, 'stacks:write');
  requireOrg(principal, deps.org.id);
  const body = await readJsonObject(context);
  const fields = readStackCreate(body, shape, deps);
  const grafanaToken = readGrafanaToken(body);

  const created = await nameGuard(fields.region, () =>
    deps.store.createStack({ orgId: deps.org.id, ...fields }),
  );
  // The sealed token names its stack, so it is stored once the stack has its id.
  const stack = grafanaToken
    ? await deps.store.updateStack(created.id, {
        grafanaTokenSealed: sealGrafanaToken(deps.sealer, created.id, grafanaToken),
      })
    : created;
  await warnIfShared(deps, context, created);
  sendJson(context, 200, wire(deps, stack as Stack, shape));
}

async function getStack(deps: ApiDeps, context: RequestContext, shape: Shape): Promise<void> {
  const stack = await findStack(deps, context, 'stacks:read');
  sendJson(context, 200, wire(deps, stack, shape));
}

async function updateStack(deps: ApiDeps, context: RequestContext, shape: Shape): Promise<void> {
  const stack = await findStack(deps, context, 'stacks:write');
  const body = await readJsonObject(context);
  if (body.region !== undefined && body.region !== null && body.region !== stack.region)
    throw invalid('region', `a stack stays in its region (${stack.region})`);
  const patch = readStackUpdate(body);
  const grafanaToken = readGrafanaToken(body);
  if (grafanaToken !== undefined)
    patch.grafanaTokenSealed = sealGrafanaToken(deps.sealer, stack.id, grafanaToken);
  // The token was given for one Grafana: a new URL without a new token drops it, so that
  // changing `url` cannot send the stored token to another server.
  else if (patch.url !== undefined && patch.url !== stack.url) patch.grafanaTokenSealed = null;

  const updated = await nameGuard(stack.region, () => deps.store.updateStack(stack.id, patch));
  sendJson(context, 200, wire(deps, updated as Stack, shape));
}

/** Delete protection is honoured on both paths (409 until it is turned off by an update). */
async function deleteStack(deps: ApiDeps, context: RequestContext, shape: Shape): Promise<void> {
  const stack = await findStack(deps, context, 'stacks:delete');
  if (stack.deleteProtection)
    throw new GatehouseError('API_DELETE_PROTECTED', { slug: stack.slug });

  await deps.store.deleteStack(stack.id);
  sendJson(context, 200, wire(deps, { ...stack, status: 'deleted' }, shape));
}

async function connections(deps: ApiDeps, context: RequestContext, shape: Shape): Promise<void> {
  const stack = await findStack(deps, context, 'stacks:read');
  const body =
    shape === 'v1'
      ? connectionsToV1Wire(stack, deps.publicUrl)
      : connectionsToInstanceWire(stack, deps.publicUrl);

  sendJson(context, 200, body);
}

/**
 * checkStackSlugV1: is the slug in `url` (a bare slug or `https://<slug>.<domain>`) free? 200
 * with `{slug, url}` when it is, 409 when a stack has it.
 */
async function checkSlug(deps: ApiDeps, context: RequestContext): Promise<void> {
  await deps.access.require(context, 'stacks:read');
  const body = await readJsonObject(context);
  if (typeof body.url !== 'string' || body.url === '')
    throw invalid('url', `expected a stack URL or slug, received ${preview(body.url)}`);

  const slug = readSlug(slugOfUrl(body.url));
  if (await deps.store.getStack(slug)) throw new GatehouseError('API_STACK_SLUG_TAKEN', { slug });

  sendJson(context, 200, { slug, url: body.url });
}

function slugOfUrl(url: string): string {
  const host = /^https?:\/\/([^/.:]+)/.exec(url)?.[1];
  return (host ?? url).toLowerCase();
}

/**
 * With tenancy `none` a backend is one tenant: every stack of the region reads the same data.
 * That is fine for one stack and a trap for two, so the operator is told when it happens.
 */
async function warnIfShared(deps: ApiDeps, context: RequestContext, stack: Stack): Promise<void> {
  const region = deps.config.regions.find((candidate) => candidate.slug === stack.region);
  const shared = (['metrics', 'logs'] as const).filter((s) => region?.[s]?.tenancy === 'none');
  if (shared.length === 0) return;

  const neighbours = (await deps.store.listStacks(deps.org.id)).filter(
    (other) => other.region === stack.region && other.id !== stack.id,
  );
  if (neighbours.length === 0) return;

  context.log.warn(
    { region: stack.region, services: shared, stacks: neighbours.length + 1 },
    "several stacks share a backend with tenancy none: they can read each other's data; " +
      'use tenancy header or label',
  );
}

/** Gatehouse provisions nothing: a stack serves as soon as it exists. */
async function readiness(deps: ApiDeps, context: RequestContext): Promise<void> {
  const stack = await findStack(deps, context, 'stacks:read');
  sendJson(context, 200, { ready: stack.status === 'active' });
}

/** The stack named by the path, in this org and covered by the caller's realms; 404 otherwise. */
export async function findStack(
  deps: ApiDeps,
  context: RequestContext,
  scope: string,
): Promise<Stack> {
  const principal = await deps.access.require(context, scope);
  const key = context.params.idOrSlug ?? '';
  const stack = await deps.store.getStack(key);
  // A stack the caller's realms do not cover is answered as if it did not exist: a stack-realm
  // token must not learn the ids and slugs of other stacks.
  if (!stack || stack.orgId !== deps.org.id || !principal.policy.coversStack(stack))
    throw new GatehouseError('API_NOT_FOUND', { kind: 'stack', id: key });

  return stack;
}

function wire(deps: ApiDeps, stack: Stack, shape: Shape): Record<string, unknown> {
  return shape === 'v1' ? stackToV1Wire(stack, deps) : stackToInstanceWire(stack, deps);
}
