#!/usr/bin/env node
// Generates the Prisma client into apps/api/src/generated/prisma.
//
// `prisma generate` only needs Prisma's WebAssembly tooling, but the CLI insists that
// the native schema engine is present and tries to download it from Prisma's CDN, which
// offline and air-gapped machines cannot reach. Generation never runs that engine, so
// when none is installed we point the CLI at a no-op stand-in.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const engines = join(root, 'node_modules/@prisma/engines');
  const hasEngine = existsSync(engines) && (await import('node:fs')).readdirSync(engines).some((f) => f.startsWith('schema-engine'));
  if (!hasEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = process.platform === 'win32' ? 'C:\\Windows\\System32\\where.exe' : '/bin/true';
}
const cli = join(root, 'node_modules/prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', join(root, 'prisma/schema.prisma')], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.exit(result.status ?? 1);
}
