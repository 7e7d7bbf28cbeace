import { GatehouseError } from '../errors/gatehouse-error.js';
import type { Selector } from '../model/label-matcher.js';
import type { Service } from '../model/service.js';
import type { Stack } from '../model/stack.js';
import type { Authenticator, Principal } from './authenticator.js';
import { parseCredentials, type Credentials } from './credentials.js';
import type { StackDirectory } from './stack-directory.js';

export interface DataRequest {
  authorization: string | undefined;
  clientAddress: string;
  service: Service;
  scope: string;
  now: Date;
}

export interface DataGrant {
  principal: Principal;
  stack: Stack;
  service: Service;
  /** Selectors OR-ed for reads; null when the covering realms carry no label policy. */
  labelScope: Selector[] | null;
}

/**
 * Decides a data-plane request in the order of docs/enforcement.md, each failure with its own code:
 * token → expiry → policy status → allowedSubnets → scope → realm and region.
 */
export class DataAuthorizer {
  readonly #authenticator: Authenticator;
  readonly #stacks: StackDirectory;

  constructor(authenticator: Authenticator, stacks: StackDirectory) {
    this.#authenticator = authenticator;
    this.#stacks = stacks;
  }

  async authorize(request: DataRequest): Promise<DataGrant> {
    const credentials = parseCredentials(request.authorization);
    const rawToken = credentials.kind === 'basic' ? credentials.password : credentials.token;
    const principal = await this.#authenticator.authenticate(rawToken, request.now);

    checkSubnets(principal, request.clientAddress);
    checkScope(principal, request.scope);

    const stack = await this.#target(credentials, principal, request.service);
    checkRealm(principal, stack);

    return {
      principal,
      stack,
      service: request.service,
      labelScope: principal.policy.labelScope(stack),
    };
  }

  async #target(credentials: Credentials, principal: Principal, service: Service): Promise<Stack> {
    if (credentials.kind === 'bearer') return this.#onlyStackOf(principal);

    const instanceId = /^\d{1,9}$/.test(credentials.user) ? Number(credentials.user) : NaN;
    const target = Number.isNaN(instanceId) ? undefined : await this.#stacks.byInstance(instanceId);
    if (!target)
      throw new GatehouseError('INSTANCE_UNKNOWN', { instanceId: credentials.user.slice(0, 32) });

    // The service of another stack's instance is not the caller's business: unknown to them.
    if (target.service !== service && !principal.policy.coversStack(target.stack))
      throw new GatehouseError('INSTANCE_UNKNOWN', { instanceId: credentials.user.slice(0, 32) });

    if (target.service !== service) {
      throw new GatehouseError('INSTANCE_WRONG_SERVICE', {
        instanceId: credentials.user,
        actual: target.service,
        expected: service,
      });
    }

    return target.stack;
  }

  /** A bearer token names no instance: it must cover exactly one stack of its region. */
  async #onlyStackOf(principal: Principal): Promise<Stack> {
    const { policy } = principal;
    const stacks = await this.#stacks.inOrg(policy.policy.orgId);
    const covered = stacks.filter(
      (stack) => stack.region === policy.policy.region && policy.coversStack(stack),
    );
    if (covered.length !== 1 || !covered[0]) throw new GatehouseError('BEARER_AMBIGUOUS');

    return covered[0];
  }
}

export function checkSubnets(principal: Principal, address: string): void {
  const subnets = principal.policy.subnets;
  if (subnets && !subnets.contains(address)) throw new GatehouseError('SUBNET_DENIED', { address });
}

export function checkScope(principal: Principal, scope: string): void {
  if (principal.policy.scopes.has(scope)) return;

  throw new GatehouseError('SCOPE_MISSING', {
    scope,
    scopes: principal.policy.policy.scopes.join(', '),
  });
}

function checkRealm(principal: Principal, stack: Stack): void {
  const policy = principal.policy.policy;
  if (!principal.policy.coversStack(stack)) {
    // Named by the instance the client sent, not by slug: a token must not learn other stacks.
    throw new GatehouseError('REALM_MISMATCH', { target: 'the stack of this instance id' });
  }

  if (policy.region !== stack.region) {
    throw new GatehouseError('REGION_MISMATCH', {
      policyRegion: policy.region,
      stackRegion: stack.region,
    });
  }
}
