import { GatehouseError } from '../errors/gatehouse-error.js';
import type { RequestContext, Route } from '../http/route.js';
import type { Stack } from '../model/stack.js';
import { requireOrg, requireStack } from './api-access.js';
import type { ApiDeps } from './api-deps.js';
import { invalid, preview, readObject } from './input-fields.js';
import { readJsonObject, sendJson } from './json-body.js';
import { nameGuard } from './policies-api.js';
import { stackToInstanceWire, stackToV1Wire } from './stack-wire.js';

/** Stack slugs as Grafana Cloud accepts them (Terraform: ^[a-z][a-z0-9]+$, at most 29). */
const slugPattern = /^[a-z][a-z0-9]{0,28}$/;

export function stackRoutes(deps: ApiDeps): Route[] {
  const route = (
    name: string,
    pattern: string,
    method: string,
    handler: Route['handler'],
  ): Route => ({
    name: `api.${name}`,
    pattern,
    methods: [method],
    errorFormat: 'cloud',
    handler,
  });

  return [
    route('stacks.create', '/api/v1/stacks', 'POST', (c) => createStack(deps, c)),
    route('stacks.get', '/api/v1/stacks/:idOrSlug', 'GET', (c) => getStack(deps, c, 'v1')),
    route('stacks.delete', '/api/v1/stacks/:idOrSlug', 'DELETE', (c) => deleteStack(deps, c)),
    route('instances.get', '/api/instances/:idOrSlug', 'GET', (c) => getStack(deps, c, 'instance')),
  ];
}

async function createStack(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'stacks:write');
  requireOrg(principal, deps.org.id);
  const body = await readJsonObject(context);

  const region = String(body.region ?? '');
  if (!deps.config.regions.some((entry) => entry.slug === region)) {
    throw new GatehouseError('API_UNKNOWN_REGION', {
      region,
      known: deps.config.regions.map((r) => r.slug).join(', '),
    });
  }

  const stack = await nameGuard(region, () =>
    deps.store.createStack({ orgId: deps.org.id, region, ...readStackFields(deps, body) }),
  );
  sendJson(context, 200, stackToV1Wire(stack, deps));
}

function readStackFields(deps: ApiDeps, body: Record<string, unknown>) {
  if (typeof body.slug !== 'string' || !slugPattern.test(body.slug)) {
    throw invalid(
      'slug',
      `expected 1 to 29 characters of a-z and 0-9 starting with a letter, received ${preview(body.slug)}`,
    );
  }

  if (typeof body.name !== 'string' || body.name === '' || body.name.length > 255) {
    throw invalid('name', `expected 1 to 255 characters, received ${preview(body.name)}`);
  }

  if (body.org !== undefined && body.org !== deps.org.slug && body.org !== deps.org.id) {
    throw invalid('org', `expected this org (${deps.org.slug}), received ${preview(body.org)}`);
  }

  return {
    slug: body.slug,
    name: body.name,
    description: typeof body.description === 'string' ? body.description : '',
    url: typeof body.url === 'string' ? body.url : '',
    labels: body.labels === undefined || body.labels === null ? {} : readLabels(body.labels),
    deleteProtection: body.deleteProtection === undefined ? true : body.deleteProtection === true,
  };
}

function readLabels(value: unknown): Record<string, string> {
  const labels = readObject(value, 'labels');
  const entries = Object.entries(labels);
  if (entries.length > 10) throw invalid('labels', 'at most 10 labels');

  for (const [key, label] of entries) {
    if (
      typeof label !== 'string' ||
      !/^[a-zA-Z0-9/\-._]+$/.test(key) ||
      !/^[a-zA-Z0-9/\-._]*$/.test(label)
    ) {
      throw invalid(`labels.${key}`, 'keys and values use a-z, A-Z, 0-9, /, -, . and _');
    }
  }

  return labels as Record<string, string>;
}

async function getStack(
  deps: ApiDeps,
  context: RequestContext,
  shape: 'v1' | 'instance',
): Promise<void> {
  const principal = await deps.access.require(context, 'stacks:read');
  const stack = await findStack(deps, context);
  requireStack(principal, stack);

  sendJson(
    context,
    200,
    shape === 'v1' ? stackToV1Wire(stack, deps) : stackToInstanceWire(stack, deps),
  );
}

async function deleteStack(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'stacks:delete');
  const stack = await findStack(deps, context);
  requireStack(principal, stack);
  if (stack.deleteProtection)
    throw new GatehouseError('API_DELETE_PROTECTED', { slug: stack.slug });

  await deps.store.deleteStack(stack.id);
  sendJson(context, 200, { ...stackToV1Wire(stack, deps) });
}

async function findStack(deps: ApiDeps, context: RequestContext): Promise<Stack> {
  const key = context.params.idOrSlug ?? '';
  const stack = await deps.store.getStack(key);
  if (!stack || stack.orgId !== deps.org.id)
    throw new GatehouseError('API_NOT_FOUND', { kind: 'stack', id: key });

  return stack;
}
