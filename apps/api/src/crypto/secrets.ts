import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';

/** Nest injection token for the 32-byte secret key (see loadSecretKey). */
export const SECRET_KEY = Symbol('SECRET_KEY');

const VERSION = 'v1';

/**
 * Every secret-handling primitive in one injectable:
 * - `lookupHash`: HMAC-SHA256 of a stream key, the only form the database can search by;
 * - `encrypt`/`decrypt`: AES-256-GCM with a random 96-bit nonce, `v1.<iv>.<tag>.<ciphertext>`;
 * - `sign`/`verify`: short HMAC-signed tokens bound to a purpose (a preview player's URL);
 * - `fingerprint`: 8 hex chars that identify a key in logs without revealing it.
 */
@Injectable()
export class Secrets {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;
  private readonly signKey: Buffer;

  constructor(@Inject(SECRET_KEY) key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
    // Separate subkeys, so a ciphertext and a lookup hash never share key material.
    this.encKey = createHmac('sha256', key).update('fanout:encrypt').digest();
    this.macKey = createHmac('sha256', key).update('fanout:lookup').digest();
    this.signKey = createHmac('sha256', key).update('fanout:sign').digest();
  }

  lookupHash(secret: string): string {
    return createHmac('sha256', this.macKey).update(secret, 'utf8').digest('hex');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('not a Fanout ciphertext');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * `<payload>.<mac>` in base64url, short enough for a URL path: the MAC is HMAC-SHA256 for
   * `purpose` truncated to 128 bits (a token for one use never passes as another's).
   */
  sign(purpose: string, payload: Buffer): string {
    const body = payload.toString('base64url');
    return `${body}.${this.mac(purpose, body).toString('base64url')}`;
  }

  /** The payload of a token {@link sign}ed for `purpose`, or undefined when it is not one (malformed, tampered, another purpose). */
  verify(purpose: string, token: string): Buffer | undefined {
    const [body, mac, extra] = token.split('.');
    if (body === undefined || mac === undefined || extra !== undefined || body.length > 1024) return undefined;
    // Compared as canonical text, not decoded bytes: base64url's last character carries spare
    // bits, so a decoder maps several spellings of one MAC to the same bytes, and a token whose
    // last character was changed would still verify.
    const expected = Buffer.from(this.mac(purpose, body).toString('base64url'));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return Buffer.from(body, 'base64url');
  }

  private mac(purpose: string, body: string): Buffer {
    return createHmac('sha256', this.signKey).update(`${purpose}\n${body}`, 'utf8').digest().subarray(0, 16);
  }

  /** A short, stable, non-reversible label for logs ("key 3f9a1c2e"). */
  static fingerprint(secret: string): string {
    return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);
  }
}
