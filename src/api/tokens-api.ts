import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/authenticator.js';
import { SecretHasher } from '../auth/secret-hasher.js';
import { encodeToken } from '../auth/token-codec.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { RequestContext, Route } from '../http/route.js';
import type { Token } from '../model/token.js';
import type { TokenPatch } from '../store/store.js';
import { coversRealm } from './api-access.js';
import type { ApiDeps } from './api-deps.js';
import { apiRoute } from './api-route.js';
import { cursorPage, listEnvelope } from './cursor-page.js';
import { invalid, readDisplayName, readName, readTime } from './input-fields.js';
import { readJsonObject, sendJson } from './json-body.js';
import { nameGuard } from './policies-api.js';
import { tokenToWire } from './policy-wire.js';
import { type PolicyConditions, policyMatches, readTokenQuery } from './token-query.js';

/** /api/v1/tokens: access policy tokens; the secret is shown once, at creation. */
export function tokenRoutes(deps: ApiDeps): Route[] {
  const route = apiRoute;

  return [
    route('tokens.list', '/api/v1/tokens', 'GET', (c) => listTokens(deps, c)),
    route('tokens.create', '/api/v1/tokens', 'POST', (c) => createToken(deps, c)),
    route('tokens.get', '/api/v1/tokens/:id', 'GET', (c) => getToken(deps, c)),
    route('tokens.update', '/api/v1/tokens/:id', 'POST', (c) => updateToken(deps, c)),
    route('tokens.delete', '/api/v1/tokens/:id', 'DELETE', (c) => deleteToken(deps, c)),
  ];
}

async function listTokens(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:read');
  const region = deps.access.region(context);
  const { filter, policy } = readTokenQuery(context.url.searchParams, {
    orgId: deps.org.id,
    region,
    now: context.now,
  });

  const tokens = await deps.store.listTokens(filter);
  const visible = await visibleTokens(deps, principal, tokens, policy);

  sendJson(
    context,
    200,
    listEnvelope(cursorPage(context, visible), '/v1/tokens', tokenToWire, context.url.searchParams),
  );
}

async function createToken(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:write');
  const region = deps.access.region(context);
  const body = await readJsonObject(context);
  const policy = await deps.store.getPolicy(String(body.accessPolicyId ?? ''));

  if (
    !policy ||
    policy.orgId !== deps.org.id ||
    policy.region !== region ||
    !coversAll(deps, principal, policy.realms)
  ) {
    throw invalid(
      'accessPolicyId',
      `no access policy ${JSON.stringify(body.accessPolicyId)} in region ${region}`,
    );
  }

  const name = readName(body, 'name');
  const expiresAt = body.expiresAt === undefined ? null : readTime(body.expiresAt, 'expiresAt');
  if (expiresAt && expiresAt <= context.now) throw invalid('expiresAt', 'must be in the future');

  const secret = SecretHasher.newSecret();
  const token = await nameGuard(region, () =>
    deps.store.createToken({
      id: randomUUID(),
      orgId: deps.org.id,
      accessPolicyId: policy.id,
      region,
      name,
      displayName: readDisplayName(body, name) as string,
      secretHash: deps.hasher.hash(secret),
      expiresAt,
    }),
  );

  const raw = encodeToken({
    orgId: String(deps.org.id),
    name: `${policy.name}-${name}`,
    secret,
    region,
  });
  sendJson(context, 200, { ...tokenToWire(token), token: raw });
}

async function getToken(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:read');
  sendJson(context, 200, tokenToWire(await findToken(deps, context, principal)));
}

async function updateToken(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:write');
  const current = await findToken(deps, context, principal);
  const body = await readJsonObject(context);
  for (const field of ['name', 'accessPolicyId'] as const) {
    if (body[field] !== undefined && body[field] !== current[field])
      throw invalid(field, 'cannot be changed; create a new token instead');
  }

  const patch: TokenPatch = {
    displayName: readDisplayName(body, body.displayName === '' ? current.name : undefined),
    expiresAt: body.expiresAt === undefined ? undefined : readTime(body.expiresAt, 'expiresAt'),
  };
  // A past expiresAt on update is allowed on purpose: it is how a token is expired at once.

  const updated = await deps.store.updateToken(current.id, patch);
  sendJson(context, 200, tokenToWire(updated as Token));
}

async function deleteToken(deps: ApiDeps, context: RequestContext): Promise<void> {
  const principal = await deps.access.require(context, 'accesspolicies:delete');
  const token = await findToken(deps, context, principal);

  await deps.store.deleteToken(token.id);
  sendJson(context, 200, {});
}

async function findToken(
  deps: ApiDeps,
  context: RequestContext,
  principal: Principal,
): Promise<Token> {
  const region = deps.access.region(context);
  const id = context.params.id ?? '';
  const token = await deps.store.getToken(id);
  const visible =
    token?.orgId === deps.org.id &&
    token.region === region &&
    (await visibleTokens(deps, principal, [token])).length > 0;
  if (!token || !visible) throw new GatehouseError('API_NOT_FOUND', { kind: 'token', id });

  return token;
}

/**
 * A token is visible when the caller covers every realm of the token's policy; `wanted` adds
 * the list's conditions on that policy.
 */
async function visibleTokens(
  deps: ApiDeps,
  principal: Principal,
  tokens: Token[],
  wanted: PolicyConditions = {},
): Promise<Token[]> {
  const verdicts = new Map<string, boolean>();
  const out: Token[] = [];

  for (const token of tokens) {
    if (!verdicts.has(token.accessPolicyId)) {
      const policy = await deps.store.getPolicy(token.accessPolicyId);
      const shown =
        policy !== undefined &&
        coversAll(deps, principal, policy.realms) &&
        policyMatches(policy, wanted);
      verdicts.set(token.accessPolicyId, shown);
    }

    if (verdicts.get(token.accessPolicyId)) out.push(token);
  }

  return out;
}

function coversAll(
  deps: ApiDeps,
  principal: Principal,
  realms: Parameters<typeof coversRealm>[2][],
): boolean {
  return realms.every((realm) => coversRealm(principal, deps.org.id, realm));
}
