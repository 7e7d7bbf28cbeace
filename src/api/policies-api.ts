import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/authenticator.js';
import { knownScopes, scopeSets } from '../auth/scope-catalogue.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { RequestContext, Route } from '../http/route.js';
import type { AccessPolicy, Realm } from '../model/access-policy.js';
import { NameTakenError } from '../store/store.js';
import { coversRealm, requireRealms } from './api-access.js';
import type { ApiDeps } from './api-deps.js';
import { apiRoute } from './api-route.js';
import { cursorPage, listEnvelope } from './cursor-page.js';
import { invalid } from './input-fields.js';
import { readJsonObject, sendJson } from './json-body.js';
import { readPolicyCreate, readPolicyUpdate } from './policy-input.js';
import { policyToWire } from './policy-wire.js';

/** /api/v1/accesspolicies: Grafana Cloud's access-policy API (OpenAPI getAccessPolicies & co). */
export function policyRoutes(deps: ApiDeps): Route[] {
  const route = apiRoute;

  return [
    route('policies.list', '/api/v1/accesspolicies', 'GET', (c) => listPolicies(deps, c)),
    route('policies.create', '/api/v1/accesspolicies', 'POST', (c) => createPolicy(deps, c)),
    route('policies.config', '/api/v1/accesspolicies/config', 'GET', (c) => getConfig(deps, c)),
    route('policies.get', '/api/v1/accesspolicies/:id', 'GET', (c) => getPolicy(deps, c)),
    route('policies.update', '/api/v1/accesspolicies/:id', 'POST', (c) => updatePolicy(deps, c)),
    route('policies.delete', '/api/v1/accesspolicies/:id', 'DELETE', (c) => deletePolicy(deps, c)),
  ];
}

async function listPolicies(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:read');
  const region = deps.access.region(context);
  const query = context.url.searchParams;

  const all = await deps.store.listPolicies({
    orgId: deps.org.id,
    region,
    name: query.get('name') ?? undefined,
    status: readStatusFilter(query.get('status')),
    realmType: readRealmType(query.get('realmType')),
    realmIdentifier: query.get('realmIdentifier') ?? undefined,
  });
  const visible = all.filter((policy) =>
    policy.realms.every((realm) => coversRealm(principal, deps.org.id, realm)),
  );

  sendJson(
    context,
    200,
    listEnvelope(
      cursorPage(context, visible),
      '/v1/accesspolicies',
      policyToWire,
      context.url.searchParams,
    ),
  );
}

/** AccessPoliciesConfig: the realms the caller may use, the scope catalogue and the sets. */
async function getConfig(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:read');
  const region = deps.access.region(context);
  const stacks = (await deps.store.listStacks(deps.org.id)).filter((s) => s.region === region);
  const realms = [
    ...(principal.policy.coversOrg(deps.org.id)
      ? [{ type: 'org', identifier: String(deps.org.id) }]
      : []),
    ...stacks
      .filter((stack) => principal.policy.coversStack(stack))
      .map((stack) => ({ type: 'stack', identifier: String(stack.id) })),
  ];

  sendJson(context, 200, {
    realms,
    scopes: knownScopes,
    sets: Object.entries(scopeSets).map(([name, scopes]) => ({ name, scopes })),
  });
}

async function createPolicy(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:write');
  const region = deps.access.region(context);
  const input = readPolicyCreate(await readJsonObject(context));

  requireRealms(principal, deps.org.id, input.realms);
  await checkRealmTargets(deps, input.realms, region);

  const policy = await nameGuard(region, () =>
    deps.store.createPolicy({ id: randomUUID(), orgId: deps.org.id, region, ...input }),
  );
  sendJson(context, 200, policyToWire(policy));
}

async function getPolicy(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:read');
  const policy = await findPolicy(deps, context, principal);

  sendJson(context, 200, policyToWire(policy));
}

async function updatePolicy(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:write');
  const current = await findPolicy(deps, context, principal);
  const patch = readPolicyUpdate(await readJsonObject(context), current.name);

  if (patch.realms) {
    requireRealms(principal, deps.org.id, patch.realms);
    await checkRealmTargets(deps, patch.realms, current.region);
  }

  const updated = await deps.store.updatePolicy(current.id, patch);
  sendJson(context, 200, policyToWire(updated as AccessPolicy));
}

async function deletePolicy(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:delete');
  const policy = await findPolicy(deps, context, principal);

  await deps.store.deletePolicy(policy.id);
  sendJson(context, 200, {});
}

/** A policy of this org and region that the caller's realms cover; 404 otherwise. */
async function findPolicy(
  deps: ApiDeps,
  context: RequestContext,
  principal: Principal,
): Promise<AccessPolicy> {
  const region = deps.access.region(context);
  const id = context.params.id ?? '';
  const policy = await deps.store.getPolicy(id);
  const visible =
    policy?.orgId === deps.org.id &&
    policy.region === region &&
    policy.realms.every((realm) => coversRealm(principal, deps.org.id, realm));
  if (!policy || !visible) throw new GatehouseError('API_NOT_FOUND', { kind: 'access policy', id });

  return policy;
}

/** Realms must name this org or one of its stacks in the policy's region. */
async function checkRealmTargets(
  deps: ApiDeps,
  realms: readonly Realm[],
  region: string,
): Promise<void> {
  for (const [index, realm] of realms.entries()) {
    if (realm.type === 'org' && realm.identifier !== String(deps.org.id)) {
      throw invalid(
        `realms[${index}].identifier`,
        `org ${realm.identifier} is not this org (id ${deps.org.id})`,
      );
    }

    if (realm.type === 'stack') await checkStackRealm(deps, realm, index, region);
  }
}

async function checkStackRealm(
  deps: ApiDeps,
  realm: Realm,
  index: number,
  region: string,
): Promise<void> {
  const stack = await deps.store.getStack(Number(realm.identifier));
  if (!stack || stack.orgId !== deps.org.id) {
    throw invalid(
      `realms[${index}].identifier`,
      `no stack with id ${realm.identifier} in this org`,
    );
  }

  if (stack.region !== region) {
    throw invalid(
      `realms[${index}].identifier`,
      `stack ${stack.slug} is in region ${stack.region}, not ${region}`,
    );
  }
}

export async function nameGuard<T>(region: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!(error instanceof NameTakenError)) throw error;
    // Stack slugs are unique across regions; Terraform looks for this wording on a 409.
    if (error.kind === 'stack')
      throw new GatehouseError('API_STACK_SLUG_TAKEN', { slug: error.takenName });
    throw new GatehouseError('API_NAME_TAKEN', { kind: error.kind, name: error.takenName, region });
  }
}

function readStatusFilter(value: string | null): 'active' | 'inactive' | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'active' || value === 'inactive') return value;
  throw invalid('status', `expected active or inactive, received ${JSON.stringify(value)}`);
}

function readRealmType(value: string | null): 'org' | 'stack' | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'org' || value === 'stack') return value;
  throw invalid('realmType', `expected org or stack, received ${JSON.stringify(value)}`);
}
