import { requireLength } from './payload';
import type { PeerBandwidthLimit, SetPeerBandwidthMessage } from './types';

/** Set Peer Bandwidth (type 6, spec 5.4.5): window size and limit type (0 hard, 1 soft, 2 dynamic). */
export function decodeSetPeerBandwidth(payload: Buffer): SetPeerBandwidthMessage {
  requireLength(payload, 5, 'Set Peer Bandwidth');
  return {
    kind: 'setPeerBandwidth',
    windowSize: payload.readUInt32BE(0),
    limitType: Math.min(payload[4]!, 2) as PeerBandwidthLimit,
  };
}

export function encodeSetPeerBandwidth(message: SetPeerBandwidthMessage): Buffer {
  const out = Buffer.allocUnsafe(5);
  out.writeUInt32BE(message.windowSize >>> 0, 0);
  out[4] = message.limitType;
  return out;
}
