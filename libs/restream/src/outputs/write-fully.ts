import type { FileHandle } from 'node:fs/promises';

/**
 * Writes every chunk with writev, going on after a short write (rare on files) from where it
 * stopped: at `position` and on from there, or at the file's current position when undefined.
 */
export async function writevFully(handle: FileHandle, chunks: readonly Buffer[], position?: number): Promise<void> {
  let pending = chunks.filter((c) => c.length > 0);
  let at = position;
  for (let round = 0; pending.length > 0; round++) {
    if (round > 1_000) throw new Error('writev made no progress');
    let { bytesWritten } = await handle.writev(pending, at);
    if (at !== undefined) at += bytesWritten;
    const rest: Buffer[] = [];
    for (const chunk of pending) {
      if (bytesWritten >= chunk.length) bytesWritten -= chunk.length;
      else {
        rest.push(bytesWritten > 0 ? chunk.subarray(bytesWritten) : chunk);
        bytesWritten = 0;
      }
    }
    pending = rest;
  }
}
