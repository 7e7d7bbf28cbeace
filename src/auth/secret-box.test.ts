import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const box = new SecretBox(SecretBox.newKey());
const secret = 'glsa_0123456789abcdefABCDEF_0a1b2c3d';

describe('SecretBox', () => {
  it('opens what it sealed under the same context', () => {
    const sealed = box.seal(secret, 'stack:1');

    expect(box.open(sealed, 'stack:1')).toBe(secret);
  });

  it('never shows the plaintext in the sealed text', () => {
    const sealed = box.seal(secret, 'stack:1');

    expect(sealed).toMatch(/^gcm1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    expect(Buffer.from(sealed.slice(5), 'base64url').toString('latin1')).not.toContain(secret);
  });

  it('seals the same secret differently each time (random nonce)', () => {
    expect(box.seal(secret, 'stack:1')).not.toBe(box.seal(secret, 'stack:1'));
  });

  it('refuses a box moved to another context', () => {
    expect(box.open(box.seal(secret, 'stack:1'), 'stack:2')).toBeUndefined();
  });

  it('refuses a box sealed under another key', () => {
    const other = new SecretBox(SecretBox.newKey());

    expect(other.open(box.seal(secret, 'stack:1'), 'stack:1')).toBeUndefined();
  });

  it('refuses a tampered, truncated or foreign box', () => {
    const sealed = box.seal(secret, 'stack:1');
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);

    expect(box.open(flipped, 'stack:1')).toBeUndefined();
    expect(box.open(sealed.slice(0, 12), 'stack:1')).toBeUndefined();
    expect(box.open(secret, 'stack:1')).toBeUndefined();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/32 bytes, received 16/);
  });
});
