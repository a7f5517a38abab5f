import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScanResult, scanFragments } from '../src';
import { type Demuxed, demux, encode } from './support/media';
import { type Muxed, mux } from './support/mux';
import { decodeErrors, probe } from './support/probe';
import { FFMPEG_AVAILABLE, skipWithout } from './support/tools';

/**
 * Crash safety: a file left by a crash at any byte (no finalize) is read by ffprobe up to its
 * last committed fragment, and scanFragments says exactly where that is, so a recovering host
 * truncates there and knows the real duration.
 */
const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE);

/** Samples per track in the first `n` fragments, as the muxer's own reader counts them. */
const samplesIn = (scan: ScanResult, n: number) => scan.init.tracks.map((t) => scan.fragments.slice(0, n).reduce((k, f) => k + (f.tracks.find((x) => x.trackId === t.trackId)?.sampleCount ?? 0), 0));

describe.skipIf(skip)('truncation and kill -9: real H.264 + AAC', () => {
  let dir: string;
  let source: string;
  let input: Demuxed;
  let muxed: Muxed;
  let whole: ScanResult;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fanout-mp4-cut-'));
    source = join(dir, 'source.flv');
    encode(source, 6, ['-c:v', 'libx264', '-g', '30', '-bf', '2', '-c:a', 'aac', '-f', 'flv']);
    input = demux(source);
    muxed = mux(input);
    whole = scanFragments(muxed.appended);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is playable after every complete fragment, before any finalize: clean ffprobe, exact frame counts, clean decode', () => {
    expect(whole.fragments.length).toBeGreaterThanOrEqual(5);
    whole.fragments.forEach((f, i) => {
      const file = join(dir, `prefix-${i}.mp4`);
      writeFileSync(file, muxed.appended.subarray(0, f.offset + f.length));
      const p = probe(file);
      expect(p.warnings).toBe('');
      expect(p.streams.map((s) => Number(s.nb_read_frames))).toEqual(samplesIn(whole, i + 1));
      if (i % 2 === 0) expect(decodeErrors(file)).toBe('');
    });
  });

  // A crash while fragment k is being written (commit mode): fragments before it committed,
  // the first bytes of fragment k written, its commit not.
  const cuts = [1, 3].flatMap((k) => [
    { k, name: `fragment ${k + 1}: inside the header`, at: () => 5 },
    { k, name: `fragment ${k + 1}: mid-moof`, at: (moof: number) => moof >> 1 },
    { k, name: `fragment ${k + 1}: inside the mdat header`, at: (moof: number) => moof + 3 },
    { k, name: `fragment ${k + 1}: mid-mdat`, at: (moof: number, length: number) => moof + ((length - moof) >> 1) },
    { k, name: `fragment ${k + 1}: one byte short`, at: (_moof: number, length: number) => length - 1 },
    { k, name: `fragment ${k + 1}: whole but not committed`, at: (_moof: number, length: number) => length },
  ]);

  it.each(cuts)('crash at $name: ffprobe reads the committed fragments cleanly; scanFragments reports them, their duration and the tail', ({ k, at }) => {
    const fragment = muxed.fragments[k]!;
    const moof = fragment.commit!.bytes.readUInt32BE(0);
    const n = at(moof, fragment.bytes.length);
    const crashed = Buffer.concat([muxed.appended.subarray(0, fragment.offset), fragment.bytes.subarray(0, n)]);
    const complete = samplesIn(whole, k);

    const file = join(dir, `crash-${k}-${n}.mp4`);
    writeFileSync(file, crashed);
    const p = probe(file);
    expect(p.warnings).toBe('');
    expect(p.streams.map((s) => Number(s.nb_read_frames))).toEqual(complete);

    const scan = scanFragments(crashed);
    expect(scan.fragments.length).toBe(k);
    expect(scan.tail).toMatchObject({ offset: fragment.offset, reason: n === fragment.bytes.length ? 'uncommitted' : 'truncated' });
    expect(scan.completeLength).toBe(fragment.offset);
    expect(scan.durationMs).toBe(scanFragments(muxed.appended.subarray(0, fragment.offset)).durationMs);
    expect(scan.durationMs).toBeGreaterThan(k * 900);

    truncateSync(file, scan.completeLength); // what a recovering host does
    expect(probe(file).streams.map((s) => Number(s.nb_read_frames))).toEqual(complete);
  });

  // In append mode nothing protects a half-written moof: ffmpeg 5.1 then refuses the whole file
  // ("corrupted TRUN atom", "error reading header"), so the host must truncate it first.
  const appendCuts = [1, 3].flatMap((k) => [
    { k, name: `fragment ${k + 1}: mid-moof`, at: (moof: number) => moof >> 1 },
    { k, name: `fragment ${k + 1}: mid-mdat`, at: (moof: number, length: number) => moof + ((length - moof) >> 1) },
  ]);

  it.each(appendCuts)('append mode, cut at $name: scanFragments finds the cut, and truncating there gives a clean file', ({ k, at }) => {
    const f = whole.fragments[k]!;
    const moof = muxed.appended.readUInt32BE(f.offset);
    const cut = muxed.appended.subarray(0, f.offset + at(moof, f.length));
    const scan = scanFragments(cut);
    expect(scan.fragments.length).toBe(k);
    expect(scan.tail).toEqual({ offset: f.offset, reason: 'truncated' });
    const file = join(dir, `append-cut-${k}-${cut.length}.mp4`);
    writeFileSync(file, cut.subarray(0, scan.completeLength));
    const p = probe(file);
    expect(p.warnings).toBe('');
    expect(p.streams.map((s) => Number(s.nb_read_frames))).toEqual(samplesIn(whole, k));
  });

  it('kill -9 in the middle of writing a fragment leaves a file ffprobe reads up to the last complete fragment', async () => {
    const out = join(dir, 'killed.mp4');
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'record-child.ts'), source, out, '3', 'commit'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const said = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        clearTimeout(timer);
        resolve(d.toString().trim());
      });
      child.on('exit', () => resolve(`exited: ${stderr}`));
    });
    const exit = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(said).toBe('half');
    expect(await exit).toBe('SIGKILL');

    // Opened as the crash left it, before any recovery: clean, and exactly three fragments.
    const bytes = readFileSync(out);
    const scan = scanFragments(bytes);
    expect(scan.fragments.length).toBe(3);
    expect(scan.tail?.reason).toBe('truncated');
    expect(bytes.length).toBeGreaterThan(scan.completeLength);
    const complete = samplesIn(scan, 3);
    const crashed = probe(out);
    expect(crashed.warnings).toBe('');
    expect(crashed.streams.map((s) => Number(s.nb_read_frames))).toEqual(complete);
    expect(decodeErrors(out)).toBe('');

    truncateSync(out, scan.completeLength); // what the recovering host does, to append again
    const recovered = probe(out);
    expect(recovered.warnings).toBe('');
    expect(recovered.streams.map((s) => Number(s.nb_read_frames))).toEqual(complete);
    expect(Math.abs(Number(recovered.format.duration) * 1000 - scan.durationMs)).toBeLessThanOrEqual(100);
  });
});
