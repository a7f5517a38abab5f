import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');

function runMain(env: Record<string, string>) {
  // From apps/api so tsx picks up its tsconfig; its paths resolve our libs to TypeScript.
  return spawnSync(process.execPath, [tsx, join(__dirname, '../src/main.ts')], {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('api main', () => {
  it('stops start-up with one message naming API_PORT when it is not a number', () => {
    const result = runMain({ API_PORT: 'abc' });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/Invalid configuration/);
    expect(result.stderr).toMatch(/API_PORT: must be a whole number/);
  });

  it('lists every bad variable at once', () => {
    const result = runMain({ API_PORT: 'abc', RTMP_PORT: '99999', LOG_LEVEL: 'chatty' });
    expect(result.status).toBe(78);
    for (const name of ['API_PORT', 'RTMP_PORT', 'LOG_LEVEL']) expect(result.stderr).toContain(name);
  });
});
