import { Injectable } from '@nestjs/common';
import { type ProbeResult, probeDestination } from '@fanout/restream';
import { EngineDestinations } from './engine-destinations';

export type { ProbeResult };

/**
 * "Test connection" for a destination while its stream is idle: connect, handshake and publish
 * with its key, then unpublish at once without media. Services depend on this port; the
 * implementation below runs the engine's own probe.
 */
export abstract class DestinationProbe {
  /** The result, or undefined when the stream has no such destination (for the engine). */
  abstract probe(streamId: string, destinationId: string): Promise<ProbeResult | undefined>;
}

/**
 * The probe through exactly what a real connection uses: the destination as the engine would
 * get it (key decrypted in memory, the owner's address policy in a pinned `lookup`, so a
 * private or rebinding address is refused the same way), and libs/rtmp's publish.
 */
@Injectable()
export class RtmpDestinationProbe extends DestinationProbe {
  constructor(private readonly destinations: EngineDestinations) {
    super();
  }

  async probe(streamId: string, destinationId: string): Promise<ProbeResult | undefined> {
    const spec = await this.destinations.forDestination(streamId, destinationId);
    if (spec === undefined) return undefined;
    return probeDestination(spec, { timeoutMs: PROBE_TIMEOUT_MS });
  }
}

/** For TCP/TLS plus handshake, and again for connect through Publish.Start: a test answers within about 20 s. */
export const PROBE_TIMEOUT_MS = 10_000;
