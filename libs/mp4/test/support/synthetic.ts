import { type AudioTrackConfig, type InitInfo, type Mp4Sample, type MoofInfo, type VideoTrackConfig, readFragment, scanFragments } from '../../src';

/** Synthetic tracks and samples: valid framing (NAL lengths, Opus TOC), made-up payloads. */
export const AVCC = Buffer.from('0142c01effe100046742c01e01000268ce', 'hex');
export const AVC_TRACK: VideoTrackConfig = { codec: 'avc', config: AVCC, width: 640, height: 360 };
/** AAC-LC 48 kHz stereo: 1024 samples a frame, 21.333 ms. */
export const AAC_TRACK: AudioTrackConfig = { codec: 'aac', config: Buffer.from('1190', 'hex') };
/** OpusHead, stereo, pre-skip 312. */
export const OPUS_TRACK: AudioTrackConfig = { codec: 'opus', config: Buffer.from('4f707573486561640102380180bb0000000000', 'hex') };

/** A sample of one NAL unit of `size` payload bytes (4-byte length prefix), filled with `fill`. */
export function nalSample(dtsMs: number, keyframe: boolean, size = 32, ctsOffsetMs = 0, fill = dtsMs & 0xff): Mp4Sample {
  const data = Buffer.alloc(4 + size, fill);
  data.writeUInt32BE(size, 0);
  return { dtsMs, ctsOffsetMs, keyframe, data };
}

export function audioSample(dtsMs: number, size = 8, fill = dtsMs & 0xff): Mp4Sample {
  return { dtsMs, keyframe: true, data: Buffer.alloc(size, fill) };
}

/** A 20 ms CELT Opus packet (TOC config 31, code 0). */
export function opusSample(dtsMs: number, size = 8): Mp4Sample {
  const data = Buffer.alloc(size, 0x55);
  data[0] = 31 << 3;
  return { dtsMs, keyframe: true, data };
}

export interface ReadBack {
  init: InitInfo;
  moofs: MoofInfo[];
  scan: ReturnType<typeof scanFragments>;
  /** Per track id, every sample with its bytes. */
  samples: Map<number, { dts: number; duration: number; cts: number; sync: boolean; data: Buffer; fragment: number }[]>;
}

/** Reads a muxed file back with the library's own reader, samples and payloads included. */
export function readBack(file: Buffer): ReadBack {
  const scan = scanFragments(file);
  const moofs = scan.fragments.map((f) => readFragment(file, f.offset, scan.init));
  const samples: ReadBack['samples'] = new Map(scan.init.tracks.map((t) => [t.trackId, []]));
  moofs.forEach((moof, fragment) => {
    for (const traf of moof.trafs) {
      for (const s of traf.samples) {
        samples.get(traf.trackId)!.push({ dts: s.dts, duration: s.duration, cts: s.compositionOffset, sync: s.sync, data: file.subarray(s.offset, s.offset + s.size), fragment });
      }
    }
  });
  return { init: scan.init, moofs, scan, samples };
}
