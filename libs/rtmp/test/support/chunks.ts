import { ChunkDecoder, RawMessage, RtmpLimits } from '../../src';

export interface Decoded {
  csid: number;
  type: number;
  streamId: number;
  timestamp: number;
  payload: string;
}

/** Feeds every piece to a fresh decoder and returns the messages (payloads as hex). */
export function decodeAll(pieces: Buffer[], limits?: Partial<RtmpLimits>): Decoded[] {
  const out: Decoded[] = [];
  const decoder = new ChunkDecoder({ limits, onMessage: (m: RawMessage) => out.push({ ...m, payload: m.payload.toString('hex') }) });
  for (const piece of pieces) decoder.push(piece);
  return out;
}
