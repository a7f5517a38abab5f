import type { VideoMessage } from './types';

/** Video Message (type 9, spec 7.1.5): FLV video tag body, passed through untouched (see src/flv). */
export function decodeVideo(payload: Buffer): VideoMessage {
  return { kind: 'video', payload };
}

export function encodeVideo(message: VideoMessage): Buffer {
  return message.payload;
}
