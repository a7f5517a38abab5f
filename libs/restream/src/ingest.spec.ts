import { parseAudioTag, parseVideoTag } from '@fanout/rtmp';
import { describe, expect, it } from 'vitest';
import { IngestTracker, encoderFps } from './ingest';

const AVC_HEADER = Buffer.from('17000000000164001effe1001a6764001eacd940a02ff970110000030001000003003c0f162d9601000668ebe3cb22c0fdf8f800', 'hex');
const AAC_HEADER = Buffer.from('af001210', 'hex');
const key = Buffer.from([0x17, 1, 0, 0, 0, 0xaa]);
const inter = Buffer.from([0x27, 1, 0, 0, 0, 0xbb]);

function clock() {
  const c = { now: 0, read: () => c.now };
  return c;
}

describe('IngestTracker', () => {
  it('takes codec and resolution from the metadata until the sequence header says better', () => {
    const t = new IngestTracker(clock().read);
    t.onMetadata({ videocodecid: 7, width: 1280, height: 720, audiocodecid: 10, audiosamplerate: 48_000, stereo: true, encoder: 'obs' }, 100);
    expect(t.facts).toEqual({
      video: { codec: 'h264', width: 1280, height: 720 },
      audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
      audioPresent: false,
      encoder: 'obs',
    });
    t.onVideo(parseVideoTag(AVC_HEADER), AVC_HEADER.length, 0);
    t.onAudio(parseAudioTag(AAC_HEADER), AAC_HEADER.length);
    expect(t.facts).toEqual({
      video: { codec: 'h264', width: 640, height: 360 },
      audio: { codec: 'aac', sampleRate: 44_100, channels: 2 },
      audioPresent: true,
      encoder: 'obs',
    });
  });

  it('survives a malformed sequence header: codec known, resolution unknown', () => {
    const t = new IngestTracker(clock().read);
    const broken = Buffer.from([0x17, 0, 0, 0, 0, 1, 2]);
    t.onVideo(parseVideoTag(broken), broken.length, 0);
    expect(t.facts.video).toEqual({ codec: 'h264', width: null, height: null });
  });

  it('measures bitrate, fps and keyframe interval on the injected clock and the media timeline', () => {
    const c = clock();
    const t = new IngestTracker(c.read);
    for (let i = 0; i < 150; i++) {
      c.now = i * (1000 / 30);
      t.onVideo(parseVideoTag(i % 60 === 0 ? key : inter), 1_250, Math.round(i * (1000 / 30)));
    }
    c.now = 5_000;
    const m = t.measures();
    expect(m.fps).toBe(30);
    expect(Math.abs(m.videoBitrateKbps - 300)).toBeLessThan(5); // 1250 B x 30/s x 8
    expect(m.keyframeIntervalS).toBe(2);
    t.reset();
    expect(t.measures().keyframeIntervalS).toBeNull();
    expect(t.facts.video).toBeNull();
  });

  it('counts keyframes only: a sequence header (which FLV also flags as a keyframe) is not one', () => {
    const t = new IngestTracker(clock().read);
    t.onVideo(parseVideoTag(AVC_HEADER), AVC_HEADER.length, 0);
    t.onVideo(parseVideoTag(key), key.length, 33);
    t.onVideo(parseVideoTag(AVC_HEADER), AVC_HEADER.length, 1_033); // repeated before a keyframe, as some encoders do
    t.onVideo(parseVideoTag(key), key.length, 1_033);
    t.onVideo(parseVideoTag(key), key.length, 2_033);
    expect(t.measures().keyframeIntervalS).toBe(1);
  });

  it('shows the frame rate the sequence header declares while the media-time rate agrees, and the measurement when frames go missing', () => {
    const c = clock();
    const t = new IngestTracker(c.read);
    t.onVideo(parseVideoTag(AVC_HEADER), AVC_HEADER.length, 0); // x264, VUI timing 30 fps
    let ts = 0;
    for (let i = 0; i < 90; i++) {
      ts = Math.round(Math.ceil((i * 1_000) / 30 / (64 / 3)) * (64 / 3)); // 30 fps stamped on a 21.3 ms grid
      c.now = ts;
      t.onVideo(parseVideoTag(i % 30 === 0 ? key : inter), 1_000, ts);
    }
    expect(t.measures()).toMatchObject({ fps: 30, declaredFps: 30 });
    for (let i = 0; i < 60; i++) {
      ts += 40; // the encoder now drops every fourth frame: 25 fps
      c.now = ts;
      t.onVideo(parseVideoTag(inter), 1_000, ts);
    }
    expect(t.measures().fps).toBe(25);
    expect(encoderFps(29.7, 29.97)).toBe(29.97);
    expect(encoderFps(28.9, 30)).toBe(28.9);
    // Above the declared rate is timestamp jitter (a catch-up after a stall), not extra frames...
    expect(encoderFps(31.2, 30)).toBe(30);
    // ...unless it is far above: an encoder declaring one rate and sending another.
    expect(encoderFps(60, 30)).toBe(60);
    expect(encoderFps(31.2, null)).toBe(31.2);
  });
});
