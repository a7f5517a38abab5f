import type { AudioMessage } from './types';

/** Audio Message (type 8, spec 7.1.4): FLV audio tag body, passed through untouched (see src/flv). */
export function decodeAudio(payload: Buffer): AudioMessage {
  return { kind: 'audio', payload };
}

export function encodeAudio(message: AudioMessage): Buffer {
  return message.payload;
}
