import { Injectable } from '@nestjs/common';

/** The time, behind an injectable so tests can drive expiry and rate-limit windows. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
