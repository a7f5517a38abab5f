import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StartupError, assertPortFree, assertWritableDir, describeStartupFailure, listenError, redactUrl } from './preflight';

describe('start-up preflight', () => {
  it('names the setting of a port that is taken, and passes a free one', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(assertPortFree('RTMP_PORT', port)).rejects.toThrow(new StartupError(`RTMP_PORT ${port} is already in use; set RTMP_PORT to a free port`, 'RTMP_PORT'));
    } finally {
      blocker.close();
    }
    await new Promise((r) => setTimeout(r, 50));
    await expect(assertPortFree('RTMP_PORT', port)).resolves.toBeUndefined();
  });

  it('words other listen failures with the setting to change', () => {
    expect(listenError('API_PORT', 80, '127.0.0.1', Object.assign(new Error('x'), { code: 'EACCES' })).message).toBe('API_PORT 80 needs privileges to listen on; set API_PORT to a port above 1023');
    const host = listenError('API_PORT', 4000, '10.9.9.9', Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' }));
    expect([host.message, host.setting]).toEqual(['HOST 10.9.9.9 is not an address of this machine, so API_PORT 4000 cannot be opened; set HOST', 'HOST']);
  });

  it('refuses a DATA_DIR that cannot hold a file, naming it and the error code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanout-preflight-'));
    try {
      await expect(assertWritableDir('DATA_DIR', join(dir, 'new', 'nested'))).resolves.toBeUndefined();
      await writeFile(join(dir, 'file'), '');
      await expect(assertWritableDir('DATA_DIR', join(dir, 'file', 'data'))).rejects.toThrow(`DATA_DIR ${join(dir, 'file', 'data')} is not a writable folder (ENOTDIR); set DATA_DIR to a folder Fanout can write to`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never prints a database password', () => {
    expect(redactUrl('postgresql://fanout:s3cret@db.internal:5432/fanout')).toBe('postgresql://fanout:***@db.internal:5432/fanout');
    expect(describeStartupFailure(new Error('boom', { cause: new Error('deeper') }))).toBe('boom (deeper)');
  });
});
