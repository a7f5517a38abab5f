import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAGMENT_POLICY, DEFAULT_SIDX_ENTRIES, Fmp4Muxer, decodeSidx, readBoxHeader, sidxSize, type Mp4Sample, type TrackConfig, decodeBox, decodeMfhd, readInit } from '.';
import { committed, mux } from '../test/support/mux';
import { AAC_TRACK, AVCC, AVC_TRACK, OPUS_TRACK, audioSample, nalSample, opusSample, readBack } from '../test/support/synthetic';

const code = (c: string) => expect.objectContaining({ name: 'Mp4Error', code: c });

/** Video at `fps` with a keyframe every `gopMs`, for `ms`. */
function video(ms: number, gopMs: number, fps = 30, startMs = 0): Mp4Sample[] {
  const out: Mp4Sample[] = [];
  for (let i = 0; (i * 1000) / fps < ms; i++) {
    const t = Math.floor((i * 1000) / fps);
    out.push(nalSample(startMs + t, i % Math.round((gopMs * fps) / 1000) === 0, 64));
  }
  return out;
}

function aac(ms: number, startMs = 0): Mp4Sample[] {
  const out: Mp4Sample[] = [];
  for (let n = 0; (n * 1024 * 1000) / 48000 < ms; n++) out.push(audioSample(startMs + Math.floor((n * 1024 * 1000) / 48000)));
  return out;
}

describe('Fmp4Muxer: the init segment', () => {
  it('describes every track: codec, timescale, size, trex defaults', () => {
    const muxer = new Fmp4Muxer({ tracks: [AVC_TRACK, AAC_TRACK, OPUS_TRACK] });
    const init = readInit(muxer.init());
    expect(init.ftyp).toEqual({ majorBrand: 'iso6', minorVersion: 0, compatibleBrands: ['iso6', 'isom', 'mp41', 'avc1'] });
    expect(init.length).toBe(muxer.init().length - sidxSize(DEFAULT_SIDX_ENTRIES) - 8); // then the free box kept for the sidx
    expect(init.tracks.map((t) => [t.trackId, t.handlerType, t.timescale, t.sampleEntry?.type])).toEqual([
      [1, 'vide', 90000, 'avc1'],
      [2, 'soun', 48000, 'mp4a'],
      [3, 'soun', 48000, 'Opus'],
    ]);
    expect(init.tracks[0]).toMatchObject({ width: 640, height: 360, sampleEntry: { width: 640, height: 360, children: [{ type: 'avcC', payload: AVCC }] } });
    expect(init.tracks[1]?.sampleEntry).toMatchObject({ channels: 2, sampleRate: 48000 });
    expect(init.tracks.every((t) => t.trex?.defaultSampleDescriptionIndex === 1)).toBe(true);
    expect(init.fragmentDuration).toBe(0);
  });

  it('takes track ids from the caller', () => {
    const muxer = new Fmp4Muxer({ tracks: [{ ...AVC_TRACK, id: 7 }, { ...AAC_TRACK, id: 3 }] });
    expect(muxer.trackIds).toEqual([3, 7]);
  });

  it.each<{ name: string; tracks: TrackConfig[]; code: string }>([
    { name: 'no track', tracks: [], code: 'INVALID_TRACK' },
    { name: 'nine tracks', tracks: Array.from({ length: 9 }, () => AAC_TRACK), code: 'INVALID_TRACK' },
    { name: 'a duplicate id', tracks: [{ ...AAC_TRACK, id: 1 }, { ...OPUS_TRACK, id: 1 }], code: 'INVALID_TRACK' },
    { name: 'an unknown codec', tracks: [{ codec: 'vp8', config: AVCC, width: 1, height: 1 } as unknown as TrackConfig], code: 'UNSUPPORTED_CODEC' },
    { name: 'width 0', tracks: [{ ...AVC_TRACK, width: 0 }], code: 'INVALID_CONFIG' },
    { name: 'a fractional height', tracks: [{ ...AVC_TRACK, height: 359.5 }], code: 'INVALID_CONFIG' },
    { name: 'a 20000 px width', tracks: [{ ...AVC_TRACK, width: 20000 }], code: 'INVALID_CONFIG' },
    { name: 'a truncated avcC', tracks: [{ ...AVC_TRACK, config: AVCC.subarray(0, 9) }], code: 'INVALID_CONFIG' },
    { name: 'an hvcC that is an avcC', tracks: [{ codec: 'hevc', config: AVCC, width: 64, height: 64 }], code: 'INVALID_CONFIG' },
    { name: 'an AAC rate that disagrees with the AudioSpecificConfig', tracks: [{ codec: 'aac', config: Buffer.from('1190', 'hex'), sampleRate: 44100 }], code: 'INVALID_CONFIG' },
    { name: 'an OpusHead without its magic', tracks: [{ codec: 'opus', config: Buffer.alloc(19) }], code: 'INVALID_CONFIG' },
    { name: 'MP3 at 96 kHz', tracks: [{ codec: 'mp3', sampleRate: 96000, channels: 2 }], code: 'INVALID_CONFIG' },
  ])('rejects $name', ({ tracks, code: c }) => {
    expect(() => new Fmp4Muxer({ tracks })).toThrow(code(c));
  });

  it('rejects a policy whose maximum is below its minimum', () => {
    expect(() => new Fmp4Muxer({ tracks: [AAC_TRACK], fragment: { minDurationMs: 3000, maxDurationMs: 2000 } })).toThrow(code('INVALID_POLICY'));
  });
});

describe('Fmp4Muxer: samples', () => {
  it.each<{ name: string; track: number; sample: Mp4Sample; code: string }>([
    { name: 'an unknown track', track: 9, sample: nalSample(0, true), code: 'UNKNOWN_TRACK' },
    { name: 'an empty sample', track: 1, sample: { dtsMs: 0, keyframe: true, data: Buffer.alloc(0) }, code: 'INVALID_SAMPLE' },
    { name: 'a NAL length overrunning the sample', track: 1, sample: { dtsMs: 0, keyframe: true, data: Buffer.from('0000000965', 'hex') }, code: 'INVALID_SAMPLE' },
    { name: 'a negative dts', track: 1, sample: nalSample(-1, true), code: 'TIMESTAMP_RANGE' },
    { name: 'a NaN dts', track: 2, sample: audioSample(Number.NaN), code: 'TIMESTAMP_RANGE' },
    { name: 'a composition offset beyond FLV range', track: 1, sample: nalSample(0, true, 8, 2 ** 24), code: 'TIMESTAMP_RANGE' },
    { name: 'a sample over the size limit', track: 2, sample: audioSample(0, 17 * 1024 * 1024), code: 'SAMPLE_TOO_LARGE' },
  ])('rejects $name, and the muxer goes on as before', ({ track, sample, code: c }) => {
    const muxer = new Fmp4Muxer({ tracks: [AVC_TRACK, AAC_TRACK] });
    muxer.push(1, nalSample(0, true));
    expect(() => muxer.push(track, sample)).toThrow(code(c));
    muxer.push(1, nalSample(33, false));
    const { fragment } = muxer.finalize();
    const back = readBack(Buffer.concat([muxer.init(), committed(fragment!)]));
    expect(back.samples.get(1)?.map((s) => s.dts)).toEqual([0, 33 * 90]);
  });

  it('rejects a dts earlier than the previous one of the same track', () => {
    const muxer = new Fmp4Muxer({ tracks: [AVC_TRACK, AAC_TRACK] });
    muxer.push(1, nalSample(100, true));
    muxer.push(2, audioSample(50)); // another track may be behind
    expect(() => muxer.push(1, nalSample(99, false))).toThrow(code('DTS_BACKWARDS'));
  });

  it('drops video before the first keyframe, and counts it', () => {
    const { file, muxer } = mux({ tracks: [AVC_TRACK], samples: [[nalSample(0, false), nalSample(33, false), nalSample(66, true), nalSample(100, false)]] });
    expect(muxer.stats.droppedBeforeKeyframe).toBe(2);
    const back = readBack(file);
    expect(back.samples.get(1)?.map((s) => [s.dts / 90, s.sync])).toEqual([
      [66, true],
      [100, false],
    ]);
  });

  it('gives each video sample the gap to the next as its duration, and the last the one before', () => {
    const { file } = mux({ tracks: [AVC_TRACK], samples: [[nalSample(0, true), nalSample(40, false), nalSample(73, false)]] });
    expect(readBack(file).samples.get(1)?.map((s) => s.duration)).toEqual([40 * 90, 33 * 90, 33 * 90]);
  });

  it('times audio by the codec: 1024 samples an AAC frame, the TOC for Opus', () => {
    const { file } = mux({
      tracks: [AAC_TRACK, OPUS_TRACK],
      samples: [
        [audioSample(0), audioSample(21), audioSample(43)],
        [opusSample(0), opusSample(20), opusSample(40)],
      ],
    });
    const back = readBack(file);
    expect(back.samples.get(1)?.map((s) => [s.dts, s.duration])).toEqual([
      [0, 1024],
      [1024, 1024],
      [2048, 1024],
    ]);
    expect(back.samples.get(2)?.map((s) => [s.dts, s.duration])).toEqual([
      [0, 960],
      [960, 960],
      [1920, 960],
    ]);
  });

  it('writes composition offsets, signed when one is negative', () => {
    const { file } = mux({ tracks: [AVC_TRACK], samples: [[nalSample(0, true, 8, 66), nalSample(33, false, 8, -33)]] });
    const back = readBack(file);
    expect(back.samples.get(1)?.map((s) => s.cts)).toEqual([66 * 90, -33 * 90]);
  });

  it('refuses samples once finalized', () => {
    const muxer = new Fmp4Muxer({ tracks: [AAC_TRACK] });
    muxer.finalize();
    expect(() => muxer.push(1, audioSample(0))).toThrow(code('CLOSED'));
    expect(() => muxer.finalize()).toThrow(code('CLOSED'));
  });
});

describe('Fmp4Muxer: the fragment policy', () => {
  const spans = (file: Buffer) =>
    readBack(file).moofs.map((m) => {
      const v = m.trafs.find((t) => t.trackId === 1)!;
      return { startMs: v.baseDecodeTime / 90, ms: v.samples.reduce((n, s) => n + s.duration, 0) / 90, startsWithKeyframe: v.samples[0]!.sync };
    });

  it('has the defaults of the brief: 1 s to 2 s, 8 MiB, re-anchoring audio beyond 30 ms', () => {
    expect(DEFAULT_FRAGMENT_POLICY).toEqual({ minDurationMs: 1000, maxDurationMs: 2000, maxBytes: 8 * 1024 * 1024, audioResyncMs: 30 });
  });

  it('starts a fragment at the first keyframe once the current one spans 1 s (keyframes every 0.5 s)', () => {
    const { file } = mux({ tracks: [AVC_TRACK, AAC_TRACK], samples: [video(5000, 500), aac(5000)] });
    const s = spans(file);
    expect(s.map((f) => f.startMs)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(s.every((f) => f.startsWithKeyframe)).toBe(true);
  });

  it('waits for a keyframe up to 2 s (keyframes every 1.5 s)', () => {
    const { file } = mux({ tracks: [AVC_TRACK], samples: [video(6000, 1500)] });
    expect(spans(file).map((f) => f.startMs)).toEqual([0, 1500, 3000, 4500]);
  });

  it('cuts without a keyframe at 2 s for a long GOP (keyframes every 5 s)', () => {
    const { file } = mux({ tracks: [AVC_TRACK, AAC_TRACK], samples: [video(10000, 5000), aac(10000)] });
    const s = spans(file);
    expect(s.map((f) => [Math.round(f.startMs), f.startsWithKeyframe])).toEqual([
      [0, true],
      [2000, false],
      [4000, false],
      [5000, true],
      [7000, false],
      [9000, false],
    ]);
  });

  it('keeps cutting every 2 s, not at every audio frame, while video stalls; the waiting frame joins the fragment its successor arrives in', () => {
    const { file } = mux({ tracks: [AVC_TRACK, AAC_TRACK], samples: [[nalSample(0, true), nalSample(5000, true)], aac(6000)] });
    const back = readBack(file);
    expect(back.moofs.map((m) => m.trafs.map((t) => t.trackId === 1 ? 'v' : Math.round(t.baseDecodeTime / 48)).join(' '))).toEqual(['0', '2005', 'v 4011']);
    expect(back.samples.get(1)?.map((s) => s.duration)).toEqual([5000 * 90, 5000 * 90]);
  });

  it('cuts an audio-only stream every 1 s (every audio frame is a sync sample)', () => {
    const { file } = mux({ tracks: [AAC_TRACK], samples: [aac(5000)] });
    const starts = readBack(file).moofs.map((m) => Math.round(m.trafs[0]!.baseDecodeTime / 48));
    expect(starts).toEqual([0, 1003, 2005, 3008, 4011]); // the first frame at or after each second
  });

  it('cuts when the media would pass maxBytes', () => {
    const { file } = mux({ tracks: [AVC_TRACK], samples: [video(1000, 1000)], fragment: { maxBytes: 68 * 10 } }); // 10 samples of 68 bytes
    const counts = readBack(file).moofs.map((m) => m.trafs[0]!.samples.length);
    expect(counts).toEqual([10, 10, 10]);
  });
});

describe('Fmp4Muxer: finishing the file', () => {
  const input = () => ({ tracks: [AVC_TRACK, AAC_TRACK], samples: [video(4000, 1000), aac(4000, 10)] });

  it('patches mvhd, mehd and each tkhd with the durations, in place in the init segment', () => {
    const { file, appended, muxer } = mux(input());
    const before = readInit(appended);
    expect([before.movieDuration, before.fragmentDuration, ...before.tracks.map((t) => t.trackDuration)]).toEqual([0, 0, 0, 0]);
    const after = readInit(file);
    expect(after.length).toBe(readInit(muxer.init()).length);
    const scan = readBack(file).scan;
    expect(after.movieDuration).toBe(scan.durationMs);
    expect(after.fragmentDuration).toBe(scan.durationMs);
    const span = (id: number) => {
      const t = scan.tracks.find((x) => x.trackId === id)!;
      return Math.round((((t.end ?? 0) - (t.start ?? 0)) * 1000) / t.timescale);
    };
    expect(after.tracks.map((t) => t.trackDuration)).toEqual([span(1), span(2)]);
    expect(scan.durationMs).toBe(4021); // video from 0, audio to 10 ms + 188 frames of 21.33 ms
  });

  it('indexes every video keyframe and each fragment start of audio in the mfra, at the right moof', () => {
    const { file } = mux(input());
    const back = readBack(file);
    const tfra = back.scan.mfra!.tfra;
    expect(tfra.map((t) => t.trackId)).toEqual([1, 2]);
    for (const t of tfra) {
      for (const e of t.entries) {
        const sequence = decodeBox(file.subarray(e.moofOffset + 8, e.moofOffset + 24), 'mfhd', decodeMfhd);
        const moof = back.moofs.find((m) => m.offset === e.moofOffset)!;
        expect(moof.sequenceNumber).toBe(sequence);
        const sample = moof.trafs[e.trafNumber - 1]!.samples[e.sampleNumber - 1]!;
        expect(moof.trafs[e.trafNumber - 1]!.trackId).toBe(t.trackId);
        expect(sample.sync).toBe(true);
        expect(e.time).toBe(sample.dts + sample.compositionOffset);
      }
    }
    expect(tfra[0]!.entries.length).toBe(4); // keyframes at 0, 1, 2, 3 s
    expect(tfra[1]!.entries.length).toBe(back.moofs.length);
  });

  it('numbers fragments from 1, and what push returned is the file up to the mfra', () => {
    const { file, appended, fragments, muxer } = mux(input());
    const back = readBack(file);
    expect(back.moofs.map((m) => m.sequenceNumber)).toEqual(back.moofs.map((_, i) => i + 1));
    expect(fragments.map((f) => f.sequenceNumber)).toEqual(back.moofs.map((_, i) => i + 1));
    expect(back.scan.fragments.map((f) => [f.offset, f.length])).toEqual(fragments.map((f) => [f.offset, f.bytes.length]));
    expect(fragments[0]!.offset).toBe(muxer.init().length);
    expect(back.scan.mfra?.offset).toBe(appended.length);
    expect(back.scan.completeLength).toBe(file.length);
  });

  it('hands out each fragment as a free box that its 8-byte commit turns into the moof (commit mode)', () => {
    const { fragments } = mux(input());
    for (const f of fragments) {
      expect(f.bytes.readUInt32BE(0)).toBe(f.bytes.length);
      expect(f.bytes.toString('latin1', 4, 8)).toBe('free');
      expect(f.commit?.offset).toBe(f.offset);
      expect(f.commit?.bytes.toString('latin1', 4, 8)).toBe('moof');
      expect(f.bytes.toString('latin1', 12, 16)).toBe('mfhd');
    }
  });

  it('writes plain moof + mdat with nothing to commit in append mode, the same bytes once committed', () => {
    const append = mux({ ...input(), writeMode: 'append' });
    expect(append.fragments.every((f) => f.commit === undefined && f.bytes.toString('latin1', 4, 8) === 'moof')).toBe(true);
    expect(append.file).toEqual(mux(input()).file);
  });

  it('reports an uncommitted fragment as the tail, with the commit that would recover it', () => {
    const { appended, fragments } = mux(input());
    const last = fragments[fragments.length - 1]!;
    const crashed = Buffer.concat([appended.subarray(0, last.offset), last.bytes]);
    const scan = readBack(crashed).scan;
    expect(scan.fragments.length).toBe(fragments.length - 1);
    expect(scan.tail).toEqual({ offset: last.offset, reason: 'uncommitted', commit: last.commit });
  });

  /** The sidx of a finished file, and where the box after it ends (the first fragment). */
  const sidxOf = (file: Buffer, initLength: number) => {
    const h = readBoxHeader(file, initLength, file.length)!;
    expect(h.type).toBe('sidx');
    const sidx = decodeBox(file.subarray(h.start, h.end), 'sidx', decodeSidx);
    return { sidx, anchor: h.end };
  };

  it('writes a sidx into the room kept after moov: one reference a fragment, pointing at each moof', () => {
    const { file, muxer } = mux(input());
    const back = readBack(file);
    const { sidx, anchor } = sidxOf(file, back.init.length);
    expect(sidx).toMatchObject({ referenceId: 1, timescale: 90000, earliestPresentationTime: 0 });
    expect(anchor + sidx.firstOffset).toBe(back.scan.fragments[0]!.offset);
    expect(sidx.references.map((r) => r.size)).toEqual(back.scan.fragments.map((f) => f.length));
    expect(sidx.references.map((r) => r.duration)).toEqual(back.scan.fragments.map((f) => f.tracks.find((t) => t.trackId === 1)!.duration));
    expect(sidx.references.every((r) => r.startsWithSap)).toBe(true);
    expect(back.scan.fragments[0]!.offset).toBe(muxer.init().length); // the sidx and its filler fill the room exactly
  });

  it('groups fragments into fewer references when there are more fragments than room', () => {
    const { file } = mux({ ...input(), sidxEntries: 3 });
    const back = readBack(file);
    const { sidx } = sidxOf(file, back.init.length);
    const sizes = back.scan.fragments.map((f) => f.length);
    expect(sizes.length).toBe(4);
    expect(sidx.references.map((r) => r.size)).toEqual([sizes[0]! + sizes[1]!, sizes[2]! + sizes[3]!]);
  });

  it('keeps no room and writes no sidx with sidxEntries 0', () => {
    const muxer = new Fmp4Muxer({ tracks: [AAC_TRACK], sidxEntries: 0 });
    expect(muxer.init().length).toBe(readInit(muxer.init()).length);
    muxer.push(1, audioSample(0));
    expect(muxer.finalize().patches.length).toBe(3); // mvhd, mehd, tkhd
  });

  it('finalizes an empty muxer to an init segment, an empty index and zero durations', () => {
    const muxer = new Fmp4Muxer({ tracks: [AAC_TRACK] });
    const end = muxer.finalize();
    expect(end.fragment).toBeUndefined();
    expect(end.durationMs).toBe(0);
    expect(end.tail.toString('latin1', 4, 8)).toBe('mfra');
  });
});
