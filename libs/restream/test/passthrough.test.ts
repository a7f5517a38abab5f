import type { FlvTag, RtmpPublisher } from '@fanout/rtmp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recording, type Recording } from './support/fixture';
import { Sink, publish, sendTags, waitFor } from './support/harness';
import { type Rig, closeRig, makeRig, specFor } from './support/rig';
import { FFMPEG_AVAILABLE, skipWithout } from './support/tools';

const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE);

/** x265 1280x718 hvcC (VPS/SPS/PPS), as recorded in libs/rtmp's tag fixtures. */
const HVCC_1280x718 = Buffer.from(
  '0101600000009000000000005df000fcfdf8f800000f03200001001840010c01ffff01600000030090000003000003005d959809210001002c42010101600000030090000003000003005da00280802d1f596566924caf016808000003000800000300f04022000100074401c172b46240',
  'hex',
);

function tag(kind: 'video' | 'audio', timestamp: number, data: Buffer): FlvTag {
  return { kind, type: kind === 'video' ? 9 : 8, filtered: false, timestamp, streamId: 0, data, offset: 0 };
}

/** An Enhanced RTMP HEVC stream (SequenceStart, then CodedFrames with a keyframe every 30) with the recording's AAC audio. */
function hevcStream(rec: Recording, frames: number): FlvTag[] {
  const hvc1 = Buffer.from('hvc1', 'ascii');
  const out: FlvTag[] = [tag('video', 0, Buffer.concat([Buffer.from([0x90]), hvc1, HVCC_1280x718]))];
  const audio = rec.media.filter((t) => t.kind === 'audio');
  let a = 0;
  for (let i = 0; i < frames; i++) {
    const ts = Math.round((i * 1000) / 30);
    while (a < audio.length && audio[a]!.timestamp <= ts) out.push(audio[a++]!);
    const first = i % 30 === 0 ? 0x91 : 0xa1; // enhanced, keyframe/inter, CodedFrames
    out.push(tag('video', ts, Buffer.concat([Buffer.from([first]), hvc1, Buffer.from([0, 0, 0]), Buffer.from(`frame-${i}`.padEnd(200, '.'))])));
  }
  return out;
}

let rec: Recording;
let rig: Rig | undefined;
const publishers: RtmpPublisher[] = [];

describe.skipIf(skip)('Enhanced RTMP passthrough', () => {
  beforeAll(async () => {
    rec = await recording();
  }, 60_000);

  afterEach(async () => {
    await closeRig(rig, publishers);
    rig = undefined;
  });

  it('passes an HEVC ingest through byte for byte, advertises hvc1, and warns the H.264-only destination without transcoding', async () => {
    const sinks = [new Sink('k', true), new Sink('k', true)];
    await Promise.all(sinks.map((s) => s.listen()));
    rig = await makeRig(0, {}, () => [
      specFor(sinks[0]!, 'yt', { name: 'YouTube', rules: { videoCodecs: ['h264', 'hevc', 'av1'] } }),
      specFor(sinks[1]!, 'tw', { name: 'Twitch', rules: { videoCodecs: ['h264'], maxKeyframeIntervalS: 2 } }),
    ]);
    try {
      const stream = hevcStream(rec, 90);
      const publisher = await publish(rig.ingest.url, { fourCcList: ['hvc1'] });
      publishers.push(publisher);
      const headerCount = stream.findIndex((t) => t.kind === 'video' && t.data[0] !== 0x90) ;
      await sendTags(publisher, { videocodecid: 'hvc1', width: 1280, height: 718, encoder: 'test' }, stream.slice(0, headerCount));
      await rig.waitState('yt', 'live');
      await rig.waitState('tw', 'live');
      await sendTags(publisher, undefined, stream.slice(headerCount));
      const sentVideo = stream.filter((t) => t.kind === 'video').map((t) => t.data);
      for (const sink of sinks) {
        await waitFor('all video at the sink', () => sink.all.filter((m) => m.kind === 'video').length === sentVideo.length);
        const connection = sink.connections[0]!;
        expect(connection.fourCcList).toEqual(['hvc1']);
        const got = connection.messages.filter((m) => m.kind === 'video').map((m) => m.payload!);
        expect(got).toEqual(sentVideo); // untouched, SequenceStart first
      }
      expect(rig.restreamer.ingestFacts.video).toEqual({ codec: 'hevc', width: 1280, height: 718 });
      const [yt, tw] = rig.restreamer.stats.destinations;
      expect(yt!.warnings).toEqual([]);
      expect(tw!.warnings).toEqual([
        'Twitch accepts H.264 video; you send HEVC. It is passed through unchanged (Fanout does not transcode), so the platform may refuse it.',
      ]);
      expect(tw!.state).toBe('live');
    } finally {
      await Promise.all(sinks.map((s) => s.kill()));
    }
  });
});
