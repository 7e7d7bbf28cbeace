import { createHmac, randomBytes, randomInt } from 'node:crypto';

const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const secretLength = 40;

/**
 * Secrets are stored only as a keyed hash (HMAC-SHA256 under a server key), so a copy of the
 * database alone cannot be used to test guesses offline; the hash is the O(1) lookup key.
 */
export class SecretHasher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the token hash key must be at least 32 bytes');
    this.#key = key;
  }

  static newKey(): Buffer {
    return randomBytes(32);
  }

  /** 40 characters of base62: about 238 bits of entropy, each character drawn uniformly. */
  static newSecret(): string {
    let secret = '';
    for (let index = 0; index < secretLength; index++) secret += base62[randomInt(base62.length)];
    return secret;
  }

  hash(secret: string): string {
    return createHmac('sha256', this.#key).update(secret, 'utf8').digest('hex');
  }
}
