import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { STREAM_KEY_PREFIX } from '@fanout/contracts';

/** `live_` + 24 random bytes as 32 base64url characters. */
export const STREAM_KEY = /^live_[A-Za-z0-9_-]{32}$/;

/** Generates stream keys; an injectable so tests can see every key handed out. */
@Injectable()
export class StreamKeys {
  generate(): string {
    return STREAM_KEY_PREFIX + randomBytes(24).toString('base64url');
  }
}
