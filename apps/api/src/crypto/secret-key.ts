import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/config';

/**
 * The 32-byte key that encrypts destination keys and derives stream-key lookup hashes.
 * From `SECRET_KEY` when set; otherwise generated once into `DATA_DIR/secret.key` (0600)
 * and reused, so a restart can still decrypt what it stored.
 */
export async function loadSecretKey(config: Pick<Config, 'SECRET_KEY' | 'DATA_DIR'>): Promise<Buffer> {
  if (config.SECRET_KEY) return Buffer.from(config.SECRET_KEY, 'hex');
  const file = join(config.DATA_DIR, 'secret.key');
  if (!existsSync(file)) {
    await mkdir(config.DATA_DIR, { recursive: true });
    await writeFile(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  const hex = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} does not hold 64 hex characters`);
  return Buffer.from(hex, 'hex');
}
