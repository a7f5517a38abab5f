import type { Recording } from '@fanout/contracts';

const STATE_LABEL: Record<Recording['state'], string> = {
  recording: 'Recording',
  complete: 'Complete',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

/** The engine's reasons for stopping a recording early, in words. */
const FAILURE_TEXT: Record<string, string> = {
  'disk-full': 'the disk is full',
  'low-disk-space': 'the disk was nearly full',
  'not-writable': 'the recordings folder cannot be written to',
  io: 'the disk reported an error',
  stalled: 'writing to the disk stalled',
  unsupported: 'these codecs cannot be recorded to MP4',
  empty: 'nothing playable was recorded',
};

/** "Failed: the disk is full", "Interrupted: the server stopped mid-broadcast (plays up to where it stopped)". */
export function recordingStateText(recording: Pick<Recording, 'state' | 'failure'>): { label: string; detail: string | null } {
  const label = STATE_LABEL[recording.state];
  const reason = recording.failure ? (FAILURE_TEXT[recording.failure.reason] ?? recording.failure.message) : null;
  if (recording.state === 'interrupted') return { label, detail: reason ?? 'the server stopped mid-broadcast; it plays up to where it stopped' };
  if (recording.state === 'failed') return { label, detail: reason ?? 'unknown error' };
  return { label, detail: recording.state === 'complete' ? null : reason };
}

/** `H.264 · AAC`, or what is known. */
export function recordingCodecs(recording: Pick<Recording, 'videoCodec' | 'audioCodec'>, label: (codec: string) => string): string | null {
  const parts = [recording.videoCodec, recording.audioCodec].filter((c): c is string => c !== null).map(label);
  return parts.length === 0 ? null : parts.join(' · ');
}
