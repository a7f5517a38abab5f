import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockList, openRecordingFile, recordingPartPath } from './recording-target';

describe('the recording file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-recording-target-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the parts after the first: name-part2.mp4, name-part3.mp4', () => {
    expect(recordingPartPath('/rec/2026-12-01 stream.mp4', 1)).toBe('/rec/2026-12-01 stream.mp4');
    expect(recordingPartPath('/rec/2026-12-01 stream.mp4', 2)).toBe('/rec/2026-12-01 stream-part2.mp4');
    expect(recordingPartPath('/rec/x', 3)).toBe('/rec/x-part3');
  });

  it('writes merged blocks by position (appends, then patches over what was written), syncs, and reports its file system', async () => {
    const path = join(dir, 'a.mp4');
    const target = await openRecordingFile(path);
    const list = new BlockList();
    list.add(0, Buffer.from('free'));
    list.add(4, Buffer.from('-data'));
    list.add(0, Buffer.from('moof'));
    expect(list.blocks.map((b) => [b.offset, b.length])).toEqual([
      [0, 9],
      [0, 4],
    ]);
    await target.write(list.blocks);
    await target.sync?.();
    const space = await target.space?.();
    expect(space!.total).toBeGreaterThan(space!.available);
    await target.truncate?.(7);
    await target.close();
    expect((await readFile(path)).toString()).toBe('moof-da');
  });

  it('never overwrites an existing file, and a discarded one is gone', async () => {
    const path = join(dir, 'taken.mp4');
    await writeFile(path, 'an earlier recording');
    await expect(openRecordingFile(path)).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(openRecordingFile(join(dir, 'missing-dir', 'x.mp4'))).rejects.toMatchObject({ code: 'ENOENT' });
    const fresh = await openRecordingFile(join(dir, 'empty.mp4'));
    await fresh.discard?.();
    await expect(readFile(join(dir, 'empty.mp4'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
