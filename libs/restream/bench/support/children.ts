/**
 * Every child process of the bench goes through here, so all of them can be killed when the
 * bench ends, whatever way it ends (normal exit, exception, Ctrl-C).
 *
 * - Each child leads its own process group (`detached`), so a signal reaches the whole tree
 *   (nginx master and worker, ffmpeg and the `timeout` wrapper around it).
 * - External tools run under `timeout -s KILL <s>`: even if the bench itself is SIGKILLed, they
 *   die after their hard limit. Node children exit when their IPC channel closes and also carry
 *   their own watchdog.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exit: Promise<Exit>;
  /** Last few KB of stderr (tools) for error messages. */
  stderr(): string;
}

const live = new Set<Managed>();

function register(name: string, child: ChildProcess): Managed {
  if (child.pid === undefined) throw new Error(`${name}: failed to start`);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8_000);
  });
  const exit = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: -1, signal: null }));
  });
  const managed: Managed = { name, child, pid: child.pid, exit, stderr: () => stderr };
  live.add(managed);
  void exit.then(() => live.delete(managed));
  return managed;
}

/** Runs an external tool under `timeout -s KILL hardLimitS`, in its own process group. */
export function spawnTool(name: string, command: string, args: readonly string[], hardLimitS: number): Managed {
  const child = spawn('timeout', ['-s', 'KILL', String(Math.ceil(hardLimitS)), command, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return register(name, child);
}

/** Forks a node module with an IPC channel, in its own process group. */
export function forkModule(
  name: string,
  modulePath: string,
  args: readonly string[],
  hardLimitS: number,
  execArgv: readonly string[] = ['--import', 'tsx'],
): Managed {
  const child = fork(modulePath, [...args], {
    execArgv: [...execArgv],
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_CHILD_LIMIT_S: String(Math.ceil(hardLimitS)) },
  });
  const managed = register(name, child);
  const timer = setTimeout(() => killGroup(managed, 'SIGKILL'), hardLimitS * 1000);
  timer.unref();
  void managed.exit.then(() => clearTimeout(timer));
  return managed;
}

function killGroup(managed: Managed, signal: NodeJS.Signals): void {
  try {
    process.kill(-managed.pid, signal);
  } catch {
    try {
      managed.child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the child's group, SIGKILL after `graceMs` if it has not exited. */
export async function stop(managed: Managed, graceMs = 3_000): Promise<Exit> {
  if (!live.has(managed)) return managed.exit;
  killGroup(managed, 'SIGTERM');
  const timer = setTimeout(() => killGroup(managed, 'SIGKILL'), graceMs);
  const exit = await managed.exit;
  clearTimeout(timer);
  // The group may outlive its leader (a tool's own children): make sure nothing is left.
  killGroup(managed, 'SIGKILL');
  return exit;
}

export function stopAll(managed: readonly Managed[], graceMs = 3_000): Promise<Exit[]> {
  return Promise.all(managed.map((m) => stop(m, graceMs)));
}

const tempDirs = new Set<string>();

/** A fresh directory under the system temp dir, removed when the bench exits (if not before). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Synchronous last resort: SIGKILL every child still running, remove temp directories. */
export function killAll(): void {
  for (const managed of live) killGroup(managed, 'SIGKILL');
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

export function liveCount(): number {
  return live.size;
}

let installed = false;
/** Kills every child when the bench exits, throws, or is interrupted. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Child side: exits when the parent goes away or after BENCH_CHILD_LIMIT_S. */
export function childWatchdog(): void {
  process.on('disconnect', () => process.exit(0));
  const limitS = Number(process.env['BENCH_CHILD_LIMIT_S'] ?? '600');
  setTimeout(() => process.exit(3), limitS * 1000).unref();
}
