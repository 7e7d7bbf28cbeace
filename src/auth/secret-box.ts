import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const algorithm = 'aes-256-gcm';
const keyBytes = 32;
/** 96-bit nonces, the size NIST SP 800-38D recommends for GCM; random per seal. */
const nonceBytes = 12;
const tagBytes = 16;
/** Names the format so a later key or cipher change can tell old boxes apart. */
const prefix = 'gcm1:';

/**
 * Secrets Gatehouse must give back to a third party (a stack Grafana's service-account token),
 * so a one-way hash does not do: they are sealed with AES-256-GCM under a server key kept beside
 * the database. `context` is authenticated but not stored, which binds a box to its owner (a box
 * copied to another stack's row does not open there).
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== keyBytes)
      throw new Error(`the secret box key must be ${keyBytes} bytes, received ${key.length}`);
    this.#key = key;
  }

  static newKey(): Buffer {
    return randomBytes(keyBytes);
  }

  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv(algorithm, this.#key, nonce, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(context, 'utf8'));

    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return prefix + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plaintext, or undefined when the box is damaged, foreign, or sealed under another key. */
  open(sealed: string, context: string): string | undefined {
    if (!sealed.startsWith(prefix)) return undefined;

    const raw = Buffer.from(sealed.slice(prefix.length), 'base64url');
    if (raw.length < nonceBytes + tagBytes) return undefined;

    const nonce = raw.subarray(0, nonceBytes);
    const tag = raw.subarray(raw.length - tagBytes);
    const body = raw.subarray(nonceBytes, raw.length - tagBytes);
    try {
      const decipher = createDecipheriv(algorithm, this.#key, nonce, { authTagLength: tagBytes });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
