/**
 * The little the engine needs to know about a message to queue, drop or cache it. The engine
 * extends this with its payload (an encoded rtmp message, written as-is to every destination).
 */
export type MediaKind = 'video' | 'audio' | 'data' | 'control';

export interface QueueItem {
  /** Bytes this item costs on the wire (what the byte bounds count). */
  readonly bytes: number;
  /** Media timestamp (RTMP timestamp, ms). Meaningful for video and audio. */
  readonly timestampMs: number;
  readonly kind: MediaKind;
  /** A video frame a decoder can start from (FLV frame type 1). Ignored for other kinds. */
  readonly keyframe: boolean;
  /**
   * Codec configuration rather than a frame: AVC/HEVC decoder configuration record, AAC
   * AudioSpecificConfig, enhanced-RTMP sequence start. Never dropped, never a place to resume
   * from: FLV marks an AVC sequence header as a keyframe, and resuming on it would let the inter
   * frames that follow through without their keyframe.
   */
  readonly sequenceHeader?: boolean;
}

/** Frames a queue may drop: video and audio, except codec configuration. */
export function isDroppableMedia(item: QueueItem): boolean {
  return (item.kind === 'video' || item.kind === 'audio') && item.sequenceHeader !== true;
}

/** A video frame a decoder can start from, excluding sequence headers. */
export function isVideoKeyframe(item: QueueItem): boolean {
  return item.kind === 'video' && item.keyframe && item.sequenceHeader !== true;
}
