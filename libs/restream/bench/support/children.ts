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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processTree } from './proc';

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
  /**
   * Descendants seen outside the child's process group (the API's embedded PostgreSQL runs in a
   * session of its own), by pid with their start time, so they are killed with the child even
   * when the child itself was killed before it could stop them.
   */
  readonly strays: Map<number, string>;
}

const live = new Set<Managed>();
/** Children that have strays to kill, alive or not (a crashed API leaves its PostgreSQL behind). */
const adopters = new Set<Managed>();

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
  const managed: Managed = { name, child, pid: child.pid, exit, stderr: () => stderr, strays: new Map() };
  live.add(managed);
  void exit.then(() => live.delete(managed));
  return managed;
}

/**
 * Runs an external tool under `timeout -s KILL hardLimitS`, in its own process group. `timeout`
 * passes SIGTERM on to the tool, so a polite stop() reaches it.
 */
export function spawnTool(
  name: string,
  command: string,
  args: readonly string[],
  hardLimitS: number,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Managed {
  const child = spawn('timeout', ['-s', 'KILL', String(Math.ceil(hardLimitS)), command, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...options,
  });
  return register(name, child);
}

/** Field 22 of /proc/<pid>/stat (start time in ticks): tells a process from a later one with its pid. */
function startTime(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Remembers `pids` (descendants of `managed`) to be killed with it: see {@link Managed.strays}. */
export function adoptStrays(managed: Managed, pids: readonly number[]): void {
  adopters.add(managed);
  for (const pid of pids) {
    if (pid === managed.pid || managed.strays.has(pid)) continue;
    const started = startTime(pid);
    if (started !== undefined) managed.strays.set(pid, started);
  }
}

/** SIGKILL to every remembered stray that is still the process it was (pids are reused). */
function killStrays(managed: Managed): void {
  for (const [pid, started] of managed.strays) {
    if (startTime(pid) !== started) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  managed.strays.clear();
  adopters.delete(managed);
}

/** Forks a node module with an IPC channel, in its own process group. */
export function forkModule(
  name: string,
  modulePath: string,
  args: readonly string[],
  hardLimitS: number,
  execArgv: readonly string[] = ['--import', 'tsx'],
  options: { quiet?: boolean } = {},
): Managed {
  const child = fork(modulePath, [...args], {
    execArgv: [...execArgv],
    detached: true,
    // quiet: the child's stdout goes to /dev/null (a chatty server's own logging, e.g. NMS at debug).
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'],
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
  if (!live.has(managed)) {
    killStrays(managed);
    return managed.exit;
  }
  killGroup(managed, 'SIGTERM');
  const timer = setTimeout(() => killGroup(managed, 'SIGKILL'), graceMs);
  const exit = await managed.exit;
  clearTimeout(timer);
  // The group may outlive its leader (a tool's own children): make sure nothing is left.
  killGroup(managed, 'SIGKILL');
  killStrays(managed);
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

/** Synchronous last resort: SIGKILL every child still running (and its strays), remove temp directories. */
export function killAll(): void {
  // Descendants not adopted yet (a PostgreSQL started a moment ago) are found now, before their parent dies.
  for (const managed of live) adoptStrays(managed, processTree(managed.pid));
  for (const managed of live) killGroup(managed, 'SIGKILL');
  for (const managed of [...adopters]) killStrays(managed);
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
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      // A polite stop first (the API stops its PostgreSQL on SIGTERM), bounded; then kill what is left.
      for (const managed of live) {
        adoptStrays(managed, processTree(managed.pid));
        killGroup(managed, 'SIGTERM');
      }
      const deadline = Date.now() + 5_000;
      const poll = setInterval(() => {
        if (live.size > 0 && Date.now() < deadline) return;
        clearInterval(poll);
        killAll();
        process.exit(130);
      }, 100);
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
