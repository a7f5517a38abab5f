import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** True when `command` runs. */
export function hasCommand(command: string, args: string[] = ['-version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_FFMPEG = hasCommand('ffmpeg');
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/**
 * Whether a suite needing a tool should skip (mirrors apps/api/test/support/tools.ts): locally
 * a missing tool skips it; with CI=true a missing tool is a failure, so this throws instead.
 */
export function skipWithout(tool: string, available: boolean): boolean {
  if (available) return false;
  if (process.env.CI === 'true') throw new Error(`${tool} is required on CI but is not installed`);
  return true;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function spawnLogged(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  let output = '';
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls `check` until it is true; every wait is bounded. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, context?: () => string): Promise<void> {
  const deadline = Date.now() + Math.min(timeoutMs, 60_000);
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${context ? `\n${context().slice(-4000)}` : ''}`);
}

/** SIGTERM (or `signal`), then SIGKILL if it has not exited within `ms`. */
export async function stop(proc: Proc | undefined, ms = 20_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    proc.exited,
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        proc.child.kill('SIGKILL');
        resolve();
      }, ms);
    }),
  ]);
  clearTimeout(timer);
}
