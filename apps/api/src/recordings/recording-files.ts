import { mkdir, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config';

/**
 * Where recordings live: RECORDINGS_DIR (default DATA_DIR/recordings), one folder per stream,
 * one file per broadcast (`2026-12-01T21-30-05Z-1a2b.mp4`, with `-part2` … beside it after a
 * codec change). The database keeps paths relative to the root, so the folder can move.
 */
@Injectable()
export class RecordingFiles {
  readonly root: string;
  /** Set by the operator (must exist: never created, so a missing mount is noticed), or the default (created). */
  readonly configured: boolean;

  constructor(@Inject(CONFIG) config: Pick<Config, 'RECORDINGS_DIR' | 'DATA_DIR'>) {
    this.configured = config.RECORDINGS_DIR !== undefined;
    this.root = resolve(config.RECORDINGS_DIR ?? join(config.DATA_DIR, 'recordings'));
  }

  /** Creates the default root; a configured one must already exist. Returns why it is unusable, if it is. */
  async prepare(): Promise<string | undefined> {
    try {
      if (!this.configured) await mkdir(this.root, { recursive: true });
      const info = await stat(this.root);
      return info.isDirectory() ? undefined : `${this.root} is not a directory`;
    } catch (error) {
      return `${this.root}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  }

  /** A new file name for a broadcast starting at `at`, relative to the root. */
  newFile(streamId: string, at: Date): string {
    const stamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
    return `${streamId}/${stamp}-${randomBytes(2).toString('hex')}.mp4`;
  }

  /** The stream's folder, created inside the root (the root itself is not created here). */
  async streamFolder(streamId: string): Promise<void> {
    await mkdir(join(this.root, streamId), { recursive: false }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }

  /** The absolute path of a stored relative path; throws if it would leave the root. */
  absolute(file: string): string {
    const path = resolve(this.root, file);
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw new Error(`recording path outside RECORDINGS_DIR: ${file}`);
    return path;
  }

  relativeOf(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }

  async remove(file: string): Promise<void> {
    await rm(this.absolute(file), { force: true });
  }

  /** A deleted stream's folder and every recording in it. */
  async removeStream(streamId: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/.test(streamId)) return;
    await rm(join(this.root, streamId), { recursive: true, force: true });
  }
}
