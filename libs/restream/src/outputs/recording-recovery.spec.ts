import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fmp4Muxer, type Fragment, scanFragments } from '@fanout/mp4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVC_HEADER, avcFrame } from '../../test/support/fakes';
import { recoverRecording } from './recording-recovery';

/** A recording as the sink writes it: init, then fragments (each written, then committed), then the end. */
function recording(seconds: number): { init: Buffer; fragments: Fragment[]; end: ReturnType<Fmp4Muxer['finalize']> } {
  const muxer = new Fmp4Muxer({ tracks: [{ codec: 'avc', config: AVC_HEADER.subarray(5), width: 640, height: 360 }, { codec: 'aac', config: Buffer.from('1210', 'hex') }] });
  const fragments: Fragment[] = [];
  const aacMs = (1024 * 1000) / 44100;
  for (let i = 0, a = 0; i < seconds * 30; i++) {
    fragments.push(...muxer.push(1, { dtsMs: Math.round((i * 1000) / 30), data: avcFrame(i % 30 === 0, i).subarray(5), keyframe: i % 30 === 0 }));
    for (; a * aacMs < ((i + 1) * 1000) / 30; a++) fragments.push(...muxer.push(2, { dtsMs: Math.round(a * aacMs), data: Buffer.alloc(20, a), keyframe: true }));
  }
  return { init: muxer.init(), fragments, end: muxer.finalize() };
}

const committed = (f: Fragment) => {
  const b = Buffer.from(f.bytes);
  f.commit?.bytes.copy(b, 0);
  return b;
};

describe('recoverRecording: a file a crash left open', () => {
  let dir: string;
  let rec: ReturnType<typeof recording>;
  const at = (name: string) => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-recovery-'));
    rec = recording(5);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('cuts a partly written fragment off and reports the duration of the complete ones', async () => {
    const whole = rec.fragments.slice(0, 2).map(committed);
    const third = rec.fragments[2]!;
    const file = at('partial.mp4');
    await writeFile(file, Buffer.concat([rec.init, ...whole, third.bytes.subarray(0, third.bytes.length >> 1)]));
    const result = await recoverRecording(file);
    const expected = scanFragments(Buffer.concat([rec.init, ...whole]));
    expect(result).toMatchObject({ status: 'recovered', committedFragments: 0, truncatedBytes: third.bytes.length >> 1, fragments: 2, durationMs: expected.durationMs, videoCodec: 'h264', audioCodec: 'aac', tail: { offset: third.offset, reason: 'truncated' } });
    expect(result.durationMs).toBeGreaterThan(1_900);
    const after = await readFile(file);
    expect(after.length).toBe(third.offset);
    expect(result.bytes).toBe(after.length);
    expect(scanFragments(after).tail).toBeUndefined();
  });

  it('commits whole fragments whose commit had not been written yet, then cuts what follows', async () => {
    const file = at('uncommitted.mp4');
    const [a, b, c, d] = rec.fragments as [Fragment, Fragment, Fragment, Fragment];
    // A batch of two fragments written in one go, the crash before either commit, then half of one more.
    await writeFile(file, Buffer.concat([rec.init, committed(a), b.bytes, c.bytes, d.bytes.subarray(0, 100)]));
    const result = await recoverRecording(file);
    expect(result).toMatchObject({ status: 'recovered', committedFragments: 2, truncatedBytes: 100, fragments: 3, tail: { reason: 'uncommitted', offset: b.offset } });
    const after = await readFile(file);
    expect(after.equals(Buffer.concat([rec.init, committed(a), committed(b), committed(c)]))).toBe(true);
  });

  it('leaves a finished file as it is', async () => {
    const file = at('finished.mp4');
    const body = Buffer.concat([rec.init, ...rec.fragments.map(committed), ...(rec.end.fragment ? [committed(rec.end.fragment)] : []), rec.end.tail]);
    for (const p of rec.end.patches) p.bytes.copy(body, p.offset);
    await writeFile(file, body);
    const result = await recoverRecording(file);
    expect(result).toMatchObject({ status: 'finished', committedFragments: 0, truncatedBytes: 0, bytes: body.length, durationMs: rec.end.durationMs });
    expect((await readFile(file)).equals(body)).toBe(true);
  });

  it('an empty file, or one cut inside its init segment, is reported empty; a missing one throws', async () => {
    await writeFile(at('zero.mp4'), Buffer.alloc(0));
    expect(await recoverRecording(at('zero.mp4'))).toMatchObject({ status: 'empty', bytes: 0, durationMs: 0 });
    await writeFile(at('init.mp4'), rec.init.subarray(0, 100));
    expect(await recoverRecording(at('init.mp4'))).toMatchObject({ status: 'empty', durationMs: 0 });
    await writeFile(at('only-init.mp4'), rec.init);
    expect(await recoverRecording(at('only-init.mp4'))).toMatchObject({ status: 'empty', fragments: 0, videoCodec: 'h264' });
    await expect(recoverRecording(at('missing.mp4'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
