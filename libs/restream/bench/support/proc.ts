/**
 * CPU time and memory of process trees, read from /proc (Linux): utime + stime of every process
 * in the tree (all its threads included), VmHWM (peak RSS) and VmRSS. Processes that exited are
 * simply missing from a snapshot.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = ((): number => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

interface StatFields {
  ppid: number;
  cpuMs: number;
}

function readStat(pid: number): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime field 14, stime field 15.
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { ppid, cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
}

/** `root` and every process descending from it, found by walking /proc's parent links. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0 && out.length < 10_000) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Processes of all the trees under `roots` (each listed once). */
export function processTrees(roots: readonly number[]): number[] {
  return [...new Set(roots.flatMap((root) => processTree(root)))];
}

/** CPU time of a set of processes at one instant, in two precisions. */
export interface CpuSnapshot {
  /** Per thread (`pid/tid`): ns on CPU from /proc/<pid>/task/<tid>/schedstat (empty where unsupported). */
  threads: Map<string, number>;
  /** Thread names (comm) by the same key. */
  names: Map<string, string>;
  /** What each process is (see {@link processName}), by pid. */
  processes: Map<number, string>;
  /** utime + stime of the processes, ms (clock-tick resolution, exited threads included). */
  ticksMs: number;
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const threads = new Map<string, number>();
  const names = new Map<string, string>();
  const processes = new Map<number, string>();
  for (const pid of pids) {
    const name = processName(pid);
    if (name !== undefined) processes.set(pid, name);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        if (Number.isFinite(ns)) threads.set(`${pid}/${tid}`, ns);
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        names.set(`${pid}/${tid}`, tid === String(pid) ? `${comm} main thread` : `${comm} other threads`);
      } catch {
        // thread exited
      }
    }
  }
  return { threads, names, processes, ticksMs: cpuMs(pids) };
}

/**
 * CPU ms between two snapshots: per-thread nanoseconds where the kernel reports them (threads
 * born in between count from zero; threads that died in between are lost, which none of the
 * measured programs does in steady state), else the clock-tick figure.
 */
export function cpuDelta(from: CpuSnapshot, to: CpuSnapshot): { ms: number; ticksMs: number; precise: boolean } {
  const ticksMs = to.ticksMs - from.ticksMs;
  if (to.threads.size === 0) return { ms: ticksMs, ticksMs, precise: false };
  let ns = 0;
  for (const [key, value] of to.threads) ns += value - (from.threads.get(key) ?? 0);
  return { ms: ns / 1e6, ticksMs, precise: true };
}

/** Where the CPU went between two snapshots: ms per thread name (comm), largest first. */
export function cpuByThreadName(from: CpuSnapshot, to: CpuSnapshot, top = 6): Record<string, number> {
  const byName = new Map<string, number>();
  for (const [key, value] of to.threads) {
    const name = to.names.get(key) ?? key;
    byName.set(name, (byName.get(name) ?? 0) + (value - (from.threads.get(key) ?? 0)) / 1e6);
  }
  return Object.fromEntries([...byName].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

/**
 * A short name for a process from its command line: `node apps/api/dist/main.js`, and for
 * PostgreSQL the role it announces (`postgres: walwriter`), connections as `postgres: backend`
 * (their address and state dropped, so they group), the postmaster as `postgres (postmaster)`.
 */
export function processName(pid: number): string | undefined {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
  const line = argv.join(' ');
  if (line.startsWith('postgres: ')) {
    return / \S+\(\d+\)|\[local\]/.test(line) ? 'postgres: backend' : line.replace(/\s+$/, '');
  }
  const base = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  if (base === 'postgres') return 'postgres (postmaster)';
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  const tail = script ? ` ${script.split('/').slice(-3).join('/')}` : '';
  return `${base}${tail}`.slice(0, 80);
}

/** Where the CPU went between two snapshots by process: ms per pid, with its name, largest first. */
export function cpuByProcess(from: CpuSnapshot, to: CpuSnapshot): Array<{ pid: number; name: string; ms: number }> {
  const byPid = new Map<number, number>();
  for (const [key, value] of to.threads) {
    const pid = Number(key.slice(0, key.indexOf('/')));
    byPid.set(pid, (byPid.get(pid) ?? 0) + (value - (from.threads.get(key) ?? 0)) / 1e6);
  }
  return [...byPid]
    .map(([pid, ms]) => ({ pid, name: to.processes.get(pid) ?? from.processes.get(pid) ?? String(pid), ms: Math.round(ms * 10) / 10 }))
    .sort((a, b) => b.ms - a.ms);
}

/**
 * Proportional set size summed over `pids` (/proc/<pid>/smaps_rollup, bytes): each shared page
 * counted once across the processes that share it, so a process tree's PSS is what it costs
 * the machine (RSS would count PostgreSQL's shared buffers once per backend).
 */
export function pssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss') * 1024;
    } catch {
      // exited, or no smaps_rollup on this kernel
    }
  }
  return total;
}

/** utime + stime of `pids`, in ms (resolution: one clock tick, usually 10 ms). */
export function cpuMs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) total += readStat(pid)?.cpuMs ?? 0;
  return total;
}

export interface Memory {
  /** Sum of every process's peak resident set (VmHWM), bytes. */
  peakRssBytes: number;
  /** Sum of every process's current resident set (VmRSS), bytes. */
  rssBytes: number;
  /** Proportional set size of the processes, now (see {@link pssBytes}). */
  pssBytes: number;
}

export function memory(pids: readonly number[]): Memory {
  let peak = 0;
  let rss = 0;
  for (const pid of pids) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue;
    }
    peak += kb(status, 'VmHWM') * 1024;
    rss += kb(status, 'VmRSS') * 1024;
  }
  return { peakRssBytes: peak, rssBytes: rss, pssBytes: pssBytes(pids) };
}

function kb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/**
 * Busy CPU time of the whole machine so far, ms (all cores: user, nice, system, irq, softirq,
 * steal from /proc/stat). Against the processes measured, it shows how much else was running.
 */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
