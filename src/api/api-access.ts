import type { Authenticator, Principal } from '../auth/authenticator.js';
import { parseCredentials } from '../auth/credentials.js';
import { checkScope, checkSubnets } from '../auth/data-authorizer.js';
import type { Config } from '../config/config.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { RequestContext } from '../http/route.js';
import type { Realm } from '../model/access-policy.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Authorization of the management API: the same token checks as the data plane (docs/enforcement.md
 * steps 1–4), then each handler asks whether the caller's realms cover what it touches.
 */
export class ApiAccess {
  readonly #authenticator: Authenticator;
  readonly #config: Config;
  readonly #policyApiLimit: RateLimiter;

  constructor(authenticator: Authenticator, config: Config) {
    this.#authenticator = authenticator;
    this.#config = config;
    this.#policyApiLimit = new RateLimiter(config.limits.accessPolicyRequestsPerHour);
  }

  /** `scope` null: any live token of this org may call (e.g. the region list). */
  async require(context: RequestContext, scope: string | null): Promise<Principal> {
    const credentials = parseCredentials(context.req.headers.authorization);
    const raw = credentials.kind === 'bearer' ? credentials.token : credentials.password;
    const principal = await this.#authenticator.authenticate(raw, context.now);

    checkSubnets(principal, context.clientAddress);
    if (scope !== null) checkScope(principal, scope);
    context.facts.tokenId = principal.token.id;
    if (scope !== null) this.#limit(principal, scope, context.now);
    return principal;
  }

  /** Grafana Cloud limits its access-policy and token endpoints per caller; so does Gatehouse. */
  #limit(principal: Principal, scope: string, now: Date): void {
    if (!scope.startsWith('accesspolicies:')) return;

    const retryAfter = this.#policyApiLimit.take(principal.token.id, now.getTime());
    if (retryAfter > 0) throw new GatehouseError('RATE_LIMITED', { retryAfter });
  }

  /** The `region` query parameter, required on policy and token calls, naming a known region. */
  region(context: RequestContext): string {
    const region = context.url.searchParams.get('region');
    if (!region)
      throw new GatehouseError('API_INVALID_ARGUMENT', {
        field: 'region',
        reason: 'the query parameter is required',
      });

    const known = this.#config.regions.map((entry) => entry.slug);
    if (!known.includes(region))
      throw new GatehouseError('API_UNKNOWN_REGION', { region, known: known.join(', ') });

    return region;
  }
}

/** An org realm covers everything in its org; a stack realm covers only itself. */
export function coversRealm(principal: Principal, orgId: number, realm: Realm): boolean {
  if (principal.policy.coversOrg(orgId)) return true;

  return realm.type === 'stack' && principal.policy.stackIds().includes(Number(realm.identifier));
}

export function requireRealms(principal: Principal, orgId: number, realms: readonly Realm[]): void {
  const uncovered = realms.find((realm) => !coversRealm(principal, orgId, realm));
  if (uncovered)
    throw new GatehouseError('REALM_MISMATCH', {
      target: `${uncovered.type} ${uncovered.identifier}`,
    });
}

export function requireOrg(principal: Principal, orgId: number): void {
  if (!principal.policy.coversOrg(orgId))
    throw new GatehouseError('REALM_MISMATCH', { target: `org ${orgId}` });
}
