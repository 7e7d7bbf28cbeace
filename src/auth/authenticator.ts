import { timingSafeEqual } from 'node:crypto';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { Token } from '../model/token.js';
import type { Store } from '../store/store.js';
import { CompiledPolicy } from './compiled-policy.js';
import type { SecretHasher } from './secret-hasher.js';
import { decodeToken } from './token-codec.js';
import type { UsageRecorder } from './usage-recorder.js';

export interface Principal {
  token: Token;
  policy: CompiledPolicy;
}

const maxCachedTokens = 100_000;

/**
 * Turns a `glc_` token into a live token and its policy: docs/enforcement.md steps 1 and 2. Hits are
 * cached; any token or policy change empties the cache at once, so revocation and deactivation
 * take effect on the next request.
 */
export class Authenticator {
  readonly #store: Store;
  readonly #hasher: SecretHasher;
  readonly #usage: UsageRecorder;
  readonly #cache = new Map<string, Principal>();
  #generation = 0;

  constructor(store: Store, hasher: SecretHasher, usage: UsageRecorder) {
    this.#store = store;
    this.#hasher = hasher;
    this.#usage = usage;
    store.onChange((change) => {
      if (change.kind !== 'stack' && change.kind !== 'org') this.#invalidate();
    });
  }

  async authenticate(rawToken: string, now: Date): Promise<Principal> {
    const principal = this.#cache.get(rawToken) ?? (await this.#load(rawToken));

    checkLive(principal, now);
    this.#usage.record(principal.token.id, now);
    return principal;
  }

  /**
   * Hits are keyed by the token string itself: the process holds it for the request anyway, and
   * this skips decoding and hashing on every request. Nothing here is logged or stored.
   */
  async #load(rawToken: string): Promise<Principal> {
    const generation = this.#generation;
    const claims = decodeToken(rawToken);
    const hash = this.#hasher.hash(claims.secret);
    const token = await this.#store.findTokenBySecretHash(hash);
    if (!token || !sameHash(token.secretHash, hash)) throw new GatehouseError('TOKEN_UNKNOWN');
    // The readable claims must be the token's own: an edited org or region is not a token.
    if (claims.orgId !== String(token.orgId) || claims.region !== token.region)
      throw new GatehouseError('TOKEN_UNKNOWN');

    const policy = await this.#store.getPolicy(token.accessPolicyId);
    if (!policy) throw new GatehouseError('TOKEN_UNKNOWN');

    const principal = { token, policy: new CompiledPolicy(policy) };
    // A change that landed while we were reading would be lost if we cached what we read.
    if (generation === this.#generation && this.#cache.size < maxCachedTokens) {
      this.#cache.set(rawToken, principal);
    }

    return principal;
  }

  #invalidate(): void {
    this.#generation++;
    this.#cache.clear();
  }
}

function checkLive(principal: Principal, now: Date): void {
  const { token, policy } = principal;
  if (token.expiresAt !== null && token.expiresAt <= now) {
    throw new GatehouseError('TOKEN_EXPIRED', { expiresAt: token.expiresAt.toISOString() });
  }

  if (policy.policy.status !== 'active') {
    throw new GatehouseError('POLICY_INACTIVE', { policy: policy.policy.name });
  }
}

/** The index lookup already matched; compare again in constant time as a second guard. */
function sameHash(stored: string, computed: string): boolean {
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(computed, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
