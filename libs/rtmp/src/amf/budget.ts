import { RtmpError } from '../errors';
import { DEFAULT_LIMITS } from '../limits';

/**
 * What one AMF message may cost to decode: nesting depth, and the number of values (every
 * scalar, container and property value counts one). A hostile `connect` with 880 000 tiny
 * properties decodes in 1.5 s of blocked event loop; this stops it at the first value past
 * the bound, with AMF_LIMIT, before the rest is looked at.
 */
export class AmfBudget {
  private values = 0;

  constructor(
    readonly maxDepth: number,
    readonly maxValues: number,
  ) {}

  static of(options: { maxDepth?: number; maxValues?: number }): AmfBudget {
    return new AmfBudget(options.maxDepth ?? DEFAULT_LIMITS.maxAmfDepth, options.maxValues ?? DEFAULT_LIMITS.maxAmfValues);
  }

  /** One more value; throws AMF_LIMIT past `maxValues`. */
  count(): void {
    if (++this.values > this.maxValues) throw new RtmpError('AMF_LIMIT', `AMF message holds more than ${this.maxValues} values`);
  }

  /** A container at `depth` opens; throws AMF_DEPTH past `maxDepth`. */
  enter(depth: number): void {
    if (depth >= this.maxDepth) throw new RtmpError('AMF_DEPTH', `AMF nesting deeper than ${this.maxDepth}`);
  }
}
