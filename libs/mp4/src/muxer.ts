import { box } from './bytes';
import { encodeMfhd } from './boxes/mfhd';
import { MAX_SIDX_REFERENCE_SIZE, type SidxReference, encodeSidx, sidxSize } from './boxes/sidx';
import { type Tfra, encodeMfra } from './boxes/mfra';
import { NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS } from './boxes/sample-flags';
import { encodeTfdt } from './boxes/tfdt';
import { type Tfhd, encodeTfhd } from './boxes/tfhd';
import {
  TRUN_DATA_OFFSET,
  TRUN_FIRST_SAMPLE_FLAGS,
  TRUN_SAMPLE_COMPOSITION_OFFSET,
  TRUN_SAMPLE_DURATION,
  TRUN_SAMPLE_FLAGS,
  TRUN_SAMPLE_SIZE,
  type Trun,
  encodeTrun,
} from './boxes/trun';
import { Mp4Error } from './errors';
import type { Patch } from './patch';
import { type InitSegment, MOVIE_TIMESCALE, buildInitSegment } from './init-segment';
import { type FragmentPolicy, type Mp4Limits, resolveLimits, resolvePolicy } from './limits';
import { type TrackConfig, type TrackSpec, resolveTrack } from './track';

/** One access unit of one track, on the caller's millisecond timeline. */
export interface Mp4Sample {
  /** Decode time in ms (FLV timestamp). Never decreases within a track. */
  dtsMs: number;
  /** pts - dts in ms (FLV composition time); 0 when absent. */
  ctsOffsetMs?: number;
  /**
   * AVC/HEVC: length-prefixed NAL units as in FLV. AV1: OBUs. Audio: one raw frame (AAC, Opus)
   * or whole MP3 frames. The muxer keeps a reference, and the fragment that holds the sample
   * hands the same bytes on (Fragment.chunks), so they must not change until that fragment is
   * written.
   */
  data: Uint8Array;
  keyframe: boolean;
}

export interface Fmp4MuxerOptions {
  tracks: readonly TrackConfig[];
  fragment?: Partial<FragmentPolicy>;
  limits?: Partial<Mp4Limits>;
  /**
   * `commit` (the default, for files): each fragment arrives as a `free` box and becomes a moof
   * only when its 8-byte `commit` patch is written after it, so a crash at any byte leaves a
   * file every reader opens up to the last committed fragment (a moof cut short makes ffmpeg
   * refuse the whole file). `append`: plain moof + mdat, for streams that cannot be patched;
   * a file cut inside a moof must then be truncated with scanFragments before ffmpeg opens it.
   */
  writeMode?: 'commit' | 'append';
  /**
   * References the sidx written at finalize may hold (default 4096, 0: no sidx). The init
   * segment keeps a free box of that size after moov (12 bytes a reference), since a sidx must
   * precede the fragments; with more fragments than references, each covers several.
   */
  sidxEntries?: number;
}

export const DEFAULT_SIDX_ENTRIES = 4096;

/** One moof + mdat, to be written at `offset`, then committed with `commit` when there is one. */
export interface Fragment {
  /**
   * The fragment as written, in pieces: the moof with the mdat header, then each sample's bytes
   * as pushed (views, not copies: a writev takes them as they are). They must not change until
   * the fragment is written.
   */
  readonly chunks: readonly Buffer[];
  /** Bytes in all: the sum of the chunks' lengths. */
  readonly length: number;
  /** The chunks joined into one buffer (made when first read, for callers that want one). */
  readonly bytes: Buffer;
  /** Where the bytes go in the file: right after everything emitted before. */
  readonly offset: number;
  /** In commit mode: the moof header to write over the first 8 bytes once the chunks are written. */
  readonly commit: Patch | undefined;
  readonly sequenceNumber: number;
}

class FragmentChunks implements Fragment {
  private joined: Buffer | undefined;

  constructor(
    readonly chunks: readonly Buffer[],
    readonly length: number,
    readonly offset: number,
    readonly commit: Patch | undefined,
    readonly sequenceNumber: number,
  ) {}

  get bytes(): Buffer {
    return (this.joined ??= Buffer.concat(this.chunks as Buffer[], this.length));
  }
}


export interface Finalization {
  /** The last, partial fragment, if samples were still buffered. Write (and commit) it first. */
  fragment: Fragment | undefined;
  /** The random access index (mfra) to append after the last fragment. */
  tail: Buffer;
  /** Duration fields of the init segment (mvhd, mehd, tkhd), to write in place last. */
  patches: Patch[];
  /** Length of the recording: latest sample end minus earliest sample start, over all tracks. */
  durationMs: number;
}

export interface MuxerStats {
  fragments: number;
  /** Bytes of init segment and fragments emitted so far; the next fragment starts here. */
  bytes: number;
  /** Video samples dropped because their track had not yet seen a keyframe. */
  droppedBeforeKeyframe: number;
  /** Audio fragments re-anchored to the ms timeline (reconnects, jumps, drift). */
  audioResyncs: number;
}

interface Pending {
  dts: number;
  dtsMs: number;
  duration: number;
  cts: number;
  sync: boolean;
  data: Uint8Array;
}

interface TrackState {
  spec: TrackSpec;
  samples: Pending[];
  /** Video: the newest sample, whose duration the next one decides. */
  open: Pending | undefined;
  lastDtsMs: number | undefined;
  /** Ticks of the newest sample pushed. */
  lastDts: number | undefined;
  /** Audio: decode time the next sample has when the stream is continuous. */
  nextDts: number | undefined;
  /** Video: last known duration, for a fragment's final sample at flush. */
  lastDuration: number;
  seenKeyframe: boolean;
  start: number | undefined;
  end: number | undefined;
  tfra: Tfra;
}

const MAX_TIMESTAMP_MS = 2 ** 42; // ~139 years; keeps every tick count below 2^53
const MAX_CTS_MS = 2 ** 23; // FLV's composition time is a signed 24-bit field

/**
 * Fragmented MP4 muxer, I/O-free. The host writes, in this order:
 *
 * 1. `init()` at offset 0;
 * 2. each fragment that `push` and `flush` return: its `bytes` at its `offset` (the end of the
 *    file), then its `commit` patch; the file is playable after every commit;
 * 3. at the end, from `finalize()`: the last fragment and its commit, the `tail` (mfra), then
 *    the `patches` in the order given (sidx body, sidx header, durations).
 *
 * A crash anywhere leaves a file readers open up to the last committed fragment;
 * {@link scanFragments} tells a recovering host where that is.
 */
export class Fmp4Muxer {
  readonly policy: FragmentPolicy;
  readonly limits: Mp4Limits;
  readonly trackIds: readonly number[];
  private readonly tracks = new Map<number, TrackState>();
  private readonly ordered: TrackState[];
  private readonly syncTrack: TrackState;
  private readonly initSegment: InitSegment;
  private sequence = 0;
  private offset: number;
  private fragStartMs: number | undefined;
  private fragBytes = 0;
  private closed = false;
  private readonly commitMode: boolean;
  private readonly sidxEntries: number;
  /** Per fragment: its bytes and what the sync track spends in it, for the sidx. */
  private readonly index: SidxReference[] = [];
  private firstSyncPts: number | undefined;
  private readonly counters = { droppedBeforeKeyframe: 0, audioResyncs: 0 };

  constructor(options: Fmp4MuxerOptions) {
    this.policy = resolvePolicy(options.fragment);
    if (options.writeMode !== undefined && options.writeMode !== 'commit' && options.writeMode !== 'append') {
      throw new Mp4Error('INVALID_POLICY', `writeMode ${String(options.writeMode)}`);
    }
    this.commitMode = options.writeMode !== 'append';
    this.sidxEntries = options.sidxEntries ?? DEFAULT_SIDX_ENTRIES;
    if (!Number.isInteger(this.sidxEntries) || this.sidxEntries < 0 || this.sidxEntries > 0xffff) {
      throw new Mp4Error('INVALID_POLICY', `sidxEntries must be an integer in 0..65535, got ${this.sidxEntries}`);
    }
    this.limits = resolveLimits(options.limits);
    const configs = options.tracks;
    if (configs.length === 0) throw new Mp4Error('INVALID_TRACK', 'a file needs at least one track');
    if (configs.length > this.limits.maxTracks) throw new Mp4Error('INVALID_TRACK', `${configs.length} tracks exceed the limit of ${this.limits.maxTracks}`);
    const specs = configs.map((c, i) => {
      const id = c.id ?? i + 1;
      if (!Number.isInteger(id) || id < 1 || id > 0xfffffffe) throw new Mp4Error('INVALID_TRACK', `track id ${id}`);
      return resolveTrack(c, id, this.limits);
    });
    for (const spec of specs) {
      if (this.tracks.has(spec.id)) throw new Mp4Error('INVALID_TRACK', `duplicate track id ${spec.id}`);
      this.tracks.set(spec.id, {
        spec,
        samples: [],
        open: undefined,
        lastDtsMs: undefined,
        lastDts: undefined,
        nextDts: undefined,
        lastDuration: Math.round(spec.timescale / 30),
        seenKeyframe: spec.kind === 'audio',
        start: undefined,
        end: undefined,
        tfra: { trackId: spec.id, entries: [] },
      });
    }
    this.ordered = [...this.tracks.values()].sort((a, b) => a.spec.id - b.spec.id);
    this.trackIds = this.ordered.map((t) => t.spec.id);
    this.syncTrack = this.ordered.find((t) => t.spec.kind === 'video') ?? (this.ordered[0] as TrackState);
    this.initSegment = buildInitSegment(
      this.ordered.map((t) => t.spec),
      this.sidxEntries > 0 ? sidxSize(this.sidxEntries) + 8 : 0,
    );
    this.offset = this.initSegment.bytes.length;
  }

  /** The init segment (ftyp, moov, and the free box kept for the sidx): the first bytes of the file. */
  init(): Buffer {
    return this.initSegment.bytes;
  }

  get stats(): MuxerStats {
    return { fragments: this.sequence, bytes: this.offset, ...this.counters };
  }

  /** Adds a sample; returns the fragments it completed (usually none, at most one). */
  push(trackId: number, sample: Mp4Sample): Fragment[] {
    if (this.closed) throw new Mp4Error('CLOSED', 'the muxer was finalized');
    const t = this.tracks.get(trackId);
    if (t === undefined) throw new Mp4Error('UNKNOWN_TRACK', `no track ${trackId}`);
    const { dtsMs, keyframe } = sample;
    const ctsMs = sample.ctsOffsetMs ?? 0;
    if (!Number.isFinite(dtsMs) || dtsMs < 0 || dtsMs > MAX_TIMESTAMP_MS) throw new Mp4Error('TIMESTAMP_RANGE', `dts ${dtsMs} ms`);
    if (!Number.isFinite(ctsMs) || Math.abs(ctsMs) > MAX_CTS_MS) throw new Mp4Error('TIMESTAMP_RANGE', `composition offset ${ctsMs} ms`);
    if (t.lastDtsMs !== undefined && dtsMs < t.lastDtsMs) throw new Mp4Error('DTS_BACKWARDS', `track ${trackId}: dts ${dtsMs} ms after ${t.lastDtsMs} ms`);
    if (!(sample.data instanceof Uint8Array) || sample.data.length === 0) throw new Mp4Error('INVALID_SAMPLE', 'empty sample');
    if (sample.data.length > this.limits.maxSampleBytes) throw new Mp4Error('SAMPLE_TOO_LARGE', `${sample.data.length} bytes exceed ${this.limits.maxSampleBytes}`);
    const video = t.spec.kind === 'video';
    if (video && !t.seenKeyframe && !keyframe) {
      this.counters.droppedBeforeKeyframe++;
      return [];
    }
    const data = t.spec.prepare(sample.data);
    const ticks = (ms: number) => Math.round((ms * t.spec.timescale) / 1000);
    const duration = video ? 0 : t.spec.audioDuration(data);
    // Everything is checked; from here on the state changes.

    let dts = ticks(dtsMs);
    let resync = false;
    if (!video && t.nextDts !== undefined && t.lastDts !== undefined) {
      // Audio decode time counts codec samples, and is re-anchored to the ms timeline when the
      // two part by more than audioResyncMs. Never at or before the previous sample.
      const anchor = dts;
      if (Math.abs(anchor - t.nextDts) > ticks(this.policy.audioResyncMs)) {
        resync = true;
        dts = Math.max(anchor, t.lastDts + 1);
      } else {
        dts = t.nextDts;
      }
    }
    // The previous video sample ends where this one starts; it stays in the current fragment.
    if (video && t.open !== undefined) this.close(t, dts - t.open.dts);

    const out: Fragment[] = [];
    if (this.fragStartMs !== undefined) {
      const age = dtsMs - this.fragStartMs;
      const cut =
        (t === this.syncTrack && keyframe && age >= this.policy.minDurationMs) ||
        age >= this.policy.maxDurationMs ||
        this.fragBytes + data.length > this.policy.maxBytes ||
        resync;
      if (cut) {
        const fragment = this.cut();
        if (fragment) out.push(fragment);
      }
    }
    if (resync) this.counters.audioResyncs++;

    const pending: Pending = { dts, dtsMs, duration, cts: ticks(dtsMs + ctsMs) - ticks(dtsMs), sync: video ? keyframe : true, data };
    if (video) {
      t.open = pending;
      t.seenKeyframe = true;
    } else {
      t.samples.push(pending);
      t.nextDts = dts + duration;
    }
    t.lastDtsMs = dtsMs;
    t.lastDts = dts;
    this.fragBytes += data.length;
    this.fragStartMs = Math.min(this.fragStartMs ?? dtsMs, dtsMs);
    return out;
  }

  /**
   * Emits everything buffered as one fragment; a video track's newest sample gets the duration
   * of the one before it. Pushing may go on afterwards.
   */
  flush(): Fragment | undefined {
    if (this.closed) throw new Mp4Error('CLOSED', 'the muxer was finalized');
    for (const t of this.ordered) if (t.open !== undefined) this.close(t, t.lastDuration);
    return this.cut();
  }

  /** Flushes, then returns the mfra tail and the duration patches. The muxer is closed after. */
  finalize(): Finalization {
    const fragment = this.flush();
    this.closed = true;
    const ms = (t: TrackState, v: number) => Math.round((v * MOVIE_TIMESCALE) / t.spec.timescale);
    const active = this.ordered.filter((t) => t.start !== undefined && t.end !== undefined);
    const durationMs = active.length ? Math.max(...active.map((t) => ms(t, t.end as number))) - Math.min(...active.map((t) => ms(t, t.start as number))) : 0;
    const u32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(Math.min(v, 0xffffffff));
      return b;
    };
    const u64 = Buffer.alloc(8);
    u64.writeBigUInt64BE(BigInt(durationMs));
    const patches: Patch[] = [
      { offset: this.initSegment.mvhdDuration, bytes: u32(durationMs) },
      { offset: this.initSegment.mehdDuration, bytes: u64 },
    ];
    for (const t of this.ordered) {
      const trackMs = t.start !== undefined && t.end !== undefined ? ms(t, t.end - t.start) : 0;
      patches.push({ offset: this.initSegment.tkhdDuration.get(t.spec.id) as number, bytes: u32(trackMs) });
    }
    const tail = encodeMfra(this.ordered.map((t) => t.tfra).filter((t) => t.entries.length > 0));
    return { fragment, tail, patches: [...this.sidxPatches(), ...patches], durationMs };
  }

  /**
   * The sidx, written into the free box kept after moov: its body first (still inside the free
   * box, so harmless if a crash stops there), then its 8-byte header, which makes it a sidx.
   */
  private sidxPatches(): Patch[] {
    const { offset, size } = this.initSegment.indexReserve;
    if (size === 0 || this.index.length === 0) return [];
    const per = Math.ceil(this.index.length / this.sidxEntries);
    const references: SidxReference[] = [];
    for (let i = 0; i < this.index.length; i += per) {
      const group = this.index.slice(i, i + per);
      const bytes = group.reduce((n, r) => n + r.size, 0);
      if (bytes > MAX_SIDX_REFERENCE_SIZE) return []; // beyond what a reference can say: no sidx
      references.push({ size: bytes, duration: group.reduce((n, r) => n + r.duration, 0), startsWithSap: (group[0] as SidxReference).startsWithSap });
    }
    const length = sidxSize(references.length);
    const rest = size - length; // at least 8: room for the free box that fills the reserve
    const sidx = encodeSidx({
      referenceId: this.syncTrack.spec.id,
      timescale: this.syncTrack.spec.timescale,
      earliestPresentationTime: this.firstSyncPts ?? 0,
      firstOffset: rest,
      references,
    });
    const filler = Buffer.alloc(8);
    filler.writeUInt32BE(rest, 0);
    filler.write('free', 4, 'latin1');
    return [
      { offset: offset + 8, bytes: Buffer.concat([sidx.subarray(8), filler]) },
      { offset, bytes: Buffer.from(sidx.subarray(0, 8)) },
    ];
  }

  private close(t: TrackState, duration: number): void {
    const open = t.open as Pending;
    open.duration = duration;
    if (duration > 0) t.lastDuration = duration;
    t.samples.push(open);
    t.open = undefined;
  }

  /** Emits the closed samples of every track as one fragment; open samples carry over. */
  private cut(): Fragment | undefined {
    const tracks = this.ordered.filter((t) => t.samples.length > 0);
    // The next fragment's age counts from the sample that caused this cut, not from a video
    // sample carried over still open: after a video stall that one can be far in the past.
    this.fragStartMs = undefined;
    this.fragBytes = 0;
    for (const t of this.ordered) if (t.open !== undefined) this.fragBytes += t.open.data.length;
    if (tracks.length === 0) return undefined;
    const sequence = ++this.sequence;
    const moofOffset = this.offset;

    const trafs: Buffer[] = [];
    const dataOffsetAt: number[] = []; // position of each trun's data_offset within the moof
    const payload: Uint8Array[] = [];
    const dataBytes: number[] = [];
    let at = 8 + 16; // moof header, mfhd
    let syncRun: Pending[] = [];
    for (const [i, t] of tracks.entries()) {
      const samples = t.samples;
      t.samples = [];
      if (t === this.syncTrack) syncRun = samples;
      const run = runOf(t.spec.id, samples);
      const tfhd = encodeTfhd(run.tfhd);
      const tfdt = encodeTfdt((samples[0] as Pending).dts);
      const traf = box('traf', tfhd, tfdt, encodeTrun(run.trun));
      dataBytes.push(samples.reduce((n, s) => n + s.data.length, 0));
      dataOffsetAt.push(at + 8 + tfhd.length + tfdt.length + 16); // traf header, then the trun's header, version/flags, sample_count
      at += traf.length;
      trafs.push(traf);
      samples.forEach((s, n) => {
        payload.push(s.data);
        if (s.sync && (t.spec.kind === 'video' || n === 0)) {
          t.tfra.entries.push({ time: s.dts + s.cts, moofOffset, trafNumber: i + 1, trunNumber: 1, sampleNumber: n + 1 });
        }
      });
      const last = samples[samples.length - 1] as Pending;
      t.start ??= (samples[0] as Pending).dts;
      t.end = Math.max(t.end ?? 0, last.dts + last.duration);
    }
    const moof = box('moof', encodeMfhd(sequence), ...trafs);
    // Each track's data follows the previous one's in the mdat, in traf order.
    let dataOffset = moof.length + 8;
    dataOffsetAt.forEach((position, i) => {
      moof.writeInt32BE(dataOffset, position);
      dataOffset += dataBytes[i] as number;
    });
    // The moof and the mdat header in one buffer; the samples follow as they are, uncopied.
    const mdatSize = 8 + dataBytes.reduce((n, b) => n + b, 0);
    const head = Buffer.allocUnsafe(moof.length + 8);
    moof.copy(head, 0);
    head.writeUInt32BE(mdatSize, moof.length);
    head.write('mdat', moof.length + 4, 4, 'latin1');
    const chunks: Buffer[] = [head];
    for (const p of payload) chunks.push(Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength));
    const length = moof.length + mdatSize;
    this.offset += length;
    const sync = syncRun.length > 0 ? syncRun : undefined;
    if (sync) this.firstSyncPts ??= Math.min(...sync.map((s) => s.dts + s.cts));
    this.index.push({ size: length, duration: sync ? sync.reduce((n, s) => n + s.duration, 0) : 0, startsWithSap: sync?.[0]?.sync ?? false });
    let commit: Patch | undefined;
    if (this.commitMode) {
      // Until committed, the whole fragment is one free box that every reader skips.
      commit = { offset: moofOffset, bytes: Buffer.from(head.subarray(0, 8)) };
      head.writeUInt32BE(length, 0);
      head.write('free', 4, 'latin1');
    }
    return new FragmentChunks(chunks, length, moofOffset, commit, sequence);
  }
}

/**
 * The tfhd defaults and the trun for one track's samples, choosing the smallest form: a
 * duration shared by every sample goes in tfhd; flags shared by all but the first go in tfhd
 * with the first one's in the trun; composition offsets only when one is not 0 (signed,
 * version 1, only when one is negative).
 */
function runOf(trackId: number, samples: readonly Pending[]): { tfhd: Tfhd; trun: Trun } {
  const first = samples[0] as Pending;
  const flagsOf = (s: Pending) => (s.sync ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
  const tfhd: Tfhd = { trackId, durationIsEmpty: false, defaultBaseIsMoof: true };
  let flags = TRUN_DATA_OFFSET | TRUN_SAMPLE_SIZE;
  if (samples.every((s) => s.duration === first.duration)) tfhd.defaultSampleDuration = first.duration;
  else flags |= TRUN_SAMPLE_DURATION;
  const rest = samples.slice(1);
  const restFlags = rest.length > 0 ? flagsOf(rest[0] as Pending) : flagsOf(first);
  let firstSampleFlags: number | undefined;
  if (rest.every((s) => flagsOf(s) === restFlags)) {
    tfhd.defaultSampleFlags = restFlags;
    if (flagsOf(first) !== restFlags) {
      flags |= TRUN_FIRST_SAMPLE_FLAGS;
      firstSampleFlags = flagsOf(first);
    }
  } else {
    flags |= TRUN_SAMPLE_FLAGS;
  }
  if (samples.some((s) => s.cts !== 0)) flags |= TRUN_SAMPLE_COMPOSITION_OFFSET;
  const trun: Trun = {
    version: samples.some((s) => s.cts < 0) ? 1 : 0,
    flags,
    dataOffset: 0, // set once the moof's size is known
    samples: samples.map((s) => ({ duration: s.duration, size: s.data.length, flags: flagsOf(s), compositionOffset: s.cts })),
  };
  if (firstSampleFlags !== undefined) trun.firstSampleFlags = firstSampleFlags;
  return { tfhd, trun };
}
