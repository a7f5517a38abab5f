import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The entry file of an installed package's command (its package.json `bin`), to run with `node`. */
export function packageBin(pkg: string, command = pkg): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const entry = typeof bin === 'string' ? bin : bin?.[command];
  if (!entry) throw new Error(`${pkg} has no "${command}" command`);
  return join(dirname(manifest), entry);
}
