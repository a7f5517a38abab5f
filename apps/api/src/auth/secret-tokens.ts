import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/**
 * Bearer secrets (session cookies, personal access tokens): 32 random bytes, base64url,
 * stored only as their SHA-256. Plain SHA-256 suffices (unlike passwords) because the
 * input is a 256-bit random value, not something a person chose.
 */
@Injectable()
export class SecretTokens {
  /** 43 base64url characters, optionally after a recognisable prefix. */
  generate(prefix = ''): string {
    return prefix + randomBytes(32).toString('base64url');
  }

  hash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }
}

/** The shape `generate` produces, checked before any database lookup so garbage costs nothing. */
export const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;
