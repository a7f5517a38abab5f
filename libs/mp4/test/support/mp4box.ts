import * as MP4Box from 'mp4box';

/**
 * GPAC's parser, in its JavaScript port (npm `mp4box`, "JavaScript version of GPAC's MP4Box
 * tool"), standing in for `MP4Box -info`: Debian 12 no longer ships gpac. It parses the whole
 * file, reports what it logged at warning and error level, and extracts every sample.
 */
export interface Mp4BoxTrack {
  id: number;
  codec: string;
  nb_samples: number;
  timescale: number;
  video?: { width: number; height: number };
  audio?: { sample_rate: number; channel_count: number };
}

export interface Mp4BoxSample {
  track: number;
  dts: number;
  cts: number;
  duration: number;
  is_sync: boolean;
  size: number;
  data: Uint8Array;
}

export interface Mp4BoxReport {
  problems: string[];
  info: { duration: number; timescale: number; isFragmented: boolean; brands: string[]; tracks: Mp4BoxTrack[] } | undefined;
  samples: Mp4BoxSample[];
  topLevel: string[];
}

interface Logger {
  warn: (module: string, message: string) => void;
  error: (module: string, message: string) => void;
}

interface IsoFile {
  onError: (module: string, message: string) => void;
  onReady: (info: Mp4BoxReport['info']) => void;
  onSamples: (id: number, user: unknown, samples: Mp4BoxSample[]) => void;
  appendBuffer(buffer: ArrayBuffer): number;
  flush(): void;
  setExtractionOptions(id: number, user: unknown, options: { nbSamples: number }): void;
  start(): void;
  boxes: { type: string }[];
}

export function inspectWithMp4Box(file: Uint8Array): Mp4BoxReport {
  const lib = MP4Box as unknown as { Log: Logger; createFile(keepMdatData: boolean): IsoFile };
  const report: Mp4BoxReport = { problems: [], info: undefined, samples: [], topLevel: [] };
  const saved = { warn: lib.Log.warn, error: lib.Log.error };
  lib.Log.warn = (module, message) => report.problems.push(`warning ${module}: ${message}`);
  lib.Log.error = (module, message) => report.problems.push(`error ${module}: ${message}`);
  try {
    const iso = lib.createFile(true);
    iso.onError = (module, message) => report.problems.push(`onError ${module}: ${message}`);
    iso.onReady = (info) => {
      report.info = info;
      for (const t of info?.tracks ?? []) iso.setExtractionOptions(t.id, null, { nbSamples: 1_000_000 });
      iso.start();
    };
    iso.onSamples = (id, _user, samples) => {
      for (const s of samples) report.samples.push({ track: id, dts: s.dts, cts: s.cts, duration: s.duration, is_sync: s.is_sync, size: s.size, data: s.data });
    };
    const copy = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer & { fileStart: number };
    copy.fileStart = 0;
    iso.appendBuffer(copy);
    iso.flush();
    report.topLevel = iso.boxes.map((b) => b.type);
  } finally {
    lib.Log.warn = saved.warn;
    lib.Log.error = saved.error;
  }
  return report;
}
