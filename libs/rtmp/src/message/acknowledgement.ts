import { requireLength, u32Payload } from './payload';
import type { AcknowledgementMessage } from './types';

/** Acknowledgement (type 3, spec 5.4.3): bytes received so far. */
export function decodeAcknowledgement(payload: Buffer): AcknowledgementMessage {
  requireLength(payload, 4, 'Acknowledgement');
  return { kind: 'acknowledgement', sequenceNumber: payload.readUInt32BE(0) };
}

export function encodeAcknowledgement(message: AcknowledgementMessage): Buffer {
  return u32Payload(message.sequenceNumber);
}
