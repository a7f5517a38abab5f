/**
 * What a run measured (ConfigResult, one per system and configuration) and how it is reported:
 * the detail table, the issue's table (platform against its peers), the capacity search, the
 * cross-system ratios per N, and the README targets (met or not, as measured: never rounded in
 * our favour).
 */
import type { Distribution, SinkResult } from './support/analysis';
import type { SystemId } from './systems';

export interface ConfigResult {
  system: SystemId;
  label: string;
  /** Ingests M (each its own stream); 1 outside the multi-ingest mode. */
  ingests: number;
  /** Destinations per ingest N. */
  destinations: number;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  /** Stream time of the first ingest (the others start up to one GOP later, their windows shifted alike). */
  window?: { fromMs: number; toMs: number; wallMs: number };
  cpu?: {
    totalMs: number;
    /** The headline: CPU-ms per destination (M·N of them) per second of stream. */
    msPerDestinationPerSecond: number;
    /** Share of one core over the window. */
    coreShare: number;
    /** The same from utime + stime (10 ms ticks), as a cross-check. */
    ticksMs: number;
    source: 'schedstat' | 'stat ticks';
    /** ms per thread name over the window, largest first. */
    byThread: Record<string, number>;
    /** ms per process over the window, largest first. */
    byProcess: Array<{ pid: number; name: string; ms: number }>;
  };
  /** A system of several parts (the platform: API node process, PostgreSQL), each part's share. */
  parts?: Record<string, { cpuMs: number; coreShare: number; pssBytes: number; processes: Array<{ name: string; ms: number }> }>;
  /** The relay (ffmpeg system only): same units, not included above. */
  relayCpu?: { totalMs: number; msPerDestinationPerSecond: number; coreShare: number };
  /** The sink process's share of one core (a saturated sink would inflate latencies). */
  sinkCoreShare?: number;
  /** The bench process's own share (it runs the publishers); near 1 it would be the limit. */
  publisherCoreShare?: number;
  /**
   * Cores used by everything else on the machine during the window (/proc/stat busy time minus
   * the system, relay, sinks and the bench itself). Above a few tenths the figures are noisy.
   */
  otherCoreShare?: number;
  /** 1-minute load average at the end of the run. */
  loadAverage?: number;
  memory?: { peakRssBytes: number; rssBytes: number; pssBytes: number; processes: number };
  latencyMs?: Distribution & { worstSinkP99: number; video: Distribution; audio: Distribution };
  /** The largest added latency of the messages sent in each 250 ms of the window, ms (bursts show as spikes). */
  latencyTimelineMs?: number[];
  sinks?: {
    expected: number;
    connected: number;
    reconnected: number;
    byteRatioMin: number;
    byteRatioMax: number;
    /** Sinks whose received payload equals what was sent, byte for byte. */
    exactlyOne: number;
    timestampOffsetsMs: number[];
    /** The sink with the lowest received/sent ratio over the window. */
    worst?: { name: string; receivedBytes: number; sentBytes: number; byteRatio: number };
    /** From the publish start (connect) until video had reached every destination, ms (Infinity: some never got any). */
    videoEverywhereMs: number;
  };
  /** Every sink connected and stayed under a second behind at the end of the window. */
  keptRealTime?: boolean;
  /** Every sink received at least 0.999 of what its ingest sent in the window. */
  lossless?: boolean;
  ingest?: { maxQueuedBytes: number; maxLateMs: number };
  clock?: { sinkOffsetMs: number; uncertaintyMs: number };
  systemReport?: unknown;
  perSink?: SinkResult[];
  /** With --repeat: CPU-ms/dest/s of every run (null for a failed one); this result is the median run. */
  repeats?: Array<number | null>;
  failedRepeats?: string[];
}

/** The capacity limits (the issue's): a configuration holds when all three do. */
export const CAPACITY_LIMITS = { minByteRatio: 0.999, maxP99Ms: 50 } as const;

/** Why a configuration does not hold (empty when it holds). */
export function capacityBreaks(r: ConfigResult): string[] {
  if (r.status !== 'ok') return [r.status === 'failed' ? `failed: ${r.reason ?? ''}`.slice(0, 120) : (r.reason ?? r.status)];
  const out: string[] = [];
  if (!r.keptRealTime) out.push('not real time (a sink fell behind or never connected)');
  if (!r.lossless) out.push(`lost data (worst sink received/sent ${fmt(r.sinks?.byteRatioMin, 4)})`);
  if (!(r.latencyMs!.p99 < CAPACITY_LIMITS.maxP99Ms)) out.push(`p99 added latency ${fmt(r.latencyMs!.p99, 1)} ms >= ${CAPACITY_LIMITS.maxP99Ms} ms`);
  return out;
}

export interface CapacityResult {
  system: SystemId;
  label: string;
  destinationsPerIngest: number;
  /** Every M tried, in order, and whether it held. */
  steps: Array<{
    ingests: number;
    held: boolean;
    /** Runs of this step: a step that broke is run once more. */
    tries: number;
    breaks: string[];
    coreShare?: number;
    sinkCoreShare?: number;
    publisherCoreShare?: number;
    otherCoreShare?: number;
  }>;
  /** The largest M that held (null: not even the first). */
  largestHeld: number | null;
  /** Why the search ended: the first break, the cap, or the time budget. */
  endedBy: string;
}

export interface Comparison {
  destinations: number;
  /** Fanout CPU per destination ÷ nginx-rtmp push (target <= 1.5). */
  fanoutOverNginx: number | null;
  /** ffmpeg-per-destination CPU per destination ÷ Fanout (target >= 10). */
  ffmpegOverFanout: number | null;
  /** The bench's naive relay ÷ nginx-rtmp push, when it ran (a reference point). */
  naiveOverNginx: number | null;
  /**
   * The Node floor (byte passthrough, no parsing) against the same peers, when it ran: the best
   * any Node relay of this stream could score, so how far a target is from reach in Node at all.
   */
  floorOverNginx: number | null;
  ffmpegOverFloor: number | null;
  /** ffmpeg-per-destination ÷ nginx-rtmp push: how far the C peer itself is from the 10x target. */
  ffmpegOverNginx: number | null;
  /** Fanout ÷ the Node floor: what the engine and RTMP stack add over moving the bytes. */
  fanoutOverFloor: number | null;
  /** ffmpeg-per-destination ÷ Fanout with the relay ffmpeg pulls from counted in. */
  ffmpegWithRelayOverFanout: number | null;
  /** Peak RSS ratios (memory of the whole system under test). */
  memoryFanoutOverNginx: number | null;
  memoryFfmpegOverFanout: number | null;
}

/**
 * What one more destination costs, from the smallest and largest N measured:
 * (CPU at N_max − CPU at N_min) / (N_max − N_min), per second of stream. Separates a system's
 * fixed cost (ingest, runtime) from its per-destination cost. Informational: the targets are
 * judged on the average per destination, as stated.
 */
export interface MarginalCost {
  system: SystemId;
  fromN: number;
  toN: number;
  cpuMsPerDestinationPerSecond: number;
  /** The fixed part implied by the same two points, CPU-ms per second. */
  fixedCpuMsPerSecond: number;
}

export interface Target {
  target: string;
  status: 'met' | 'not met' | 'not measured';
  detail: string;
}

/** "other cores" above this during a window marks the run as measured on a busy machine. */
const NOISY_OTHER_CORES = 0.25;

const fmt = (n: number | null | undefined, digits = 2): string => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

/** The measured (ok) result of `system` at M ingests × N destinations (M = 1: the single-ingest runs). */
function okResult(results: readonly ConfigResult[], system: SystemId, n: number, m = 1): ConfigResult | undefined {
  return results.find((x) => x.system === system && x.destinations === n && x.ingests === m && x.status === 'ok');
}

function cpuOf(results: ConfigResult[], system: SystemId, n: number): number | null {
  const r = okResult(results, system, n);
  return r?.cpu ? r.cpu.msPerDestinationPerSecond : null;
}

function cpuWithRelay(results: ConfigResult[], n: number): number | null {
  const r = okResult(results, 'ffmpeg', n);
  return r?.cpu && r.relayCpu ? r.cpu.msPerDestinationPerSecond + r.relayCpu.msPerDestinationPerSecond : null;
}

function peakRss(results: ConfigResult[], system: SystemId, n: number): number | null {
  return okResult(results, system, n)?.memory?.peakRssBytes ?? null;
}

function marginalCosts(results: ConfigResult[]): MarginalCost[] {
  const out: MarginalCost[] = [];
  for (const system of [...new Set(results.map((r) => r.system))]) {
    const ok = results.filter((r) => r.system === system && r.ingests === 1 && r.status === 'ok' && r.cpu && r.window);
    if (ok.length < 2) continue;
    const low = ok.reduce((a, b) => (b.destinations < a.destinations ? b : a));
    const high = ok.reduce((a, b) => (b.destinations > a.destinations ? b : a));
    const perSecond = (r: ConfigResult): number => r.cpu!.totalMs / (r.window!.wallMs / 1000);
    const slope = (perSecond(high) - perSecond(low)) / (high.destinations - low.destinations);
    out.push({
      system,
      fromN: low.destinations,
      toN: high.destinations,
      cpuMsPerDestinationPerSecond: slope,
      fixedCpuMsPerSecond: perSecond(low) - slope * low.destinations,
    });
  }
  return out;
}

function ratio(a: number | null, b: number | null): number | null {
  return a !== null && b !== null && b > 0 ? a / b : null;
}

/** Drops and reconnects from the engine's own stats (StreamRestreamer.stats), when it reports them. */
export function engineNote(report: unknown): string {
  const destinations = (report as { destinations?: unknown } | null | undefined)?.destinations;
  if (!Array.isArray(destinations)) return '';
  let dropped = 0;
  let reconnects = 0;
  const states = new Map<string, number>();
  for (const d of destinations as Array<Record<string, unknown>>) {
    dropped += Number(d['droppedFrames'] ?? 0) + Number(d['droppedAudioFrames'] ?? 0);
    reconnects += Number(d['reconnects'] ?? 0);
    const state = String(d['state'] ?? '?');
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  const stateText = [...states].map(([state, count]) => `${count} ${state}`).join(', ');
  return `engine: ${dropped} dropped, ${reconnects} reconnects, ${stateText}`;
}

/** `N=10` for one ingest, `20×3` for twenty ingests of three destinations. */
export function shape(r: { ingests: number; destinations: number }): string {
  return r.ingests === 1 ? `N=${r.destinations}` : `${r.ingests}×${r.destinations}`;
}

export interface Report {
  issueTable: IssueTable;
  capacity: CapacityResult[];
  comparisons: Comparison[];
  marginal: MarginalCost[];
  targets: Target[];
}

export function printReport(results: ConfigResult[], capacity: CapacityResult[]): Report {
  printDetail(results);
  const single = results.filter((r) => r.ingests === 1);
  const ns = [...new Set(single.map((r) => r.destinations))].sort((a, b) => a - b);
  const comparisons: Comparison[] = ns.map((n) => ({
    destinations: n,
    fanoutOverNginx: ratio(cpuOf(results, 'fanout', n), cpuOf(results, 'nginx-push', n)),
    ffmpegOverFanout: ratio(cpuOf(results, 'ffmpeg', n), cpuOf(results, 'fanout', n)),
    naiveOverNginx: ratio(cpuOf(results, 'naive', n), cpuOf(results, 'nginx-push', n)),
    floorOverNginx: ratio(cpuOf(results, 'node-floor', n), cpuOf(results, 'nginx-push', n)),
    ffmpegOverFloor: ratio(cpuOf(results, 'ffmpeg', n), cpuOf(results, 'node-floor', n)),
    fanoutOverFloor: ratio(cpuOf(results, 'fanout', n), cpuOf(results, 'node-floor', n)),
    ffmpegOverNginx: ratio(cpuOf(results, 'ffmpeg', n), cpuOf(results, 'nginx-push', n)),
    ffmpegWithRelayOverFanout: ratio(cpuWithRelay(results, n), cpuOf(results, 'fanout', n)),
    memoryFanoutOverNginx: ratio(peakRss(results, 'fanout', n), peakRss(results, 'nginx-push', n)),
    memoryFfmpegOverFanout: ratio(peakRss(results, 'ffmpeg', n), peakRss(results, 'fanout', n)),
  }));
  printComparisons(comparisons);
  const marginal = marginalCosts(results);
  if (marginal.length > 0) {
    console.log('CPU-ms per second of stream, split into fixed + per destination (one ingest, from the smallest and largest N):');
    for (const m of marginal) {
      console.log(
        `  ${m.system}: ${fmt(m.fixedCpuMsPerSecond, 1)} fixed + ${fmt(m.cpuMsPerDestinationPerSecond)} per destination (N=${m.fromN}..${m.toN})`,
      );
    }
  }
  const targets = evaluateTargets(results, comparisons);
  for (const t of targets) console.log(`${t.status === 'met' ? '✔' : t.status === 'not met' ? '✘' : '?'} ${t.target}: ${t.status} (${t.detail})`);

  printPlatformSplit(results);
  printCapacity(capacity);
  const issueTable = buildIssueTable(results, capacity);
  console.log('\nThe issue\'s table (ratios: the platform ÷ each peer, measured in the same run):\n');
  console.log(issueTableMarkdown(issueTable));
  return { issueTable, capacity, comparisons, marginal, targets };
}

function printDetail(results: ConfigResult[]): void {
  const rows: Record<string, Record<string, string>> = {};
  for (const r of results) {
    const key = `${r.label}, ${shape(r)}`;
    if (r.status !== 'ok') {
      rows[key] = { 'CPU-ms/dest/s': r.status, note: (r.reason ?? '').slice(0, 70) };
      continue;
    }
    rows[key] = {
      'CPU-ms/dest/s': fmt(r.cpu!.msPerDestinationPerSecond),
      'cores': fmt(r.cpu!.coreShare),
      'PSS MB': fmt(r.memory!.pssBytes / 1048576, 0),
      'peak RSS MB': fmt(r.memory!.peakRssBytes / 1048576, 0),
      'p50 ms': fmt(r.latencyMs!.p50, 1),
      'p99 ms': fmt(r.latencyMs!.p99, 1),
      'max ms': fmt(r.latencyMs!.max, 1),
      'sinks ok': `${r.sinks!.exactlyOne}/${r.sinks!.expected}`,
      'recv/sent': r.sinks!.byteRatioMin === r.sinks!.byteRatioMax ? fmt(r.sinks!.byteRatioMin, 4) : `${fmt(r.sinks!.byteRatioMin, 4)}..${fmt(r.sinks!.byteRatioMax, 4)}`,
      'real time': r.keptRealTime ? 'yes' : 'NO',
      'video s': fmt(r.sinks!.videoEverywhereMs / 1000, 2),
      'sink cores': fmt(r.sinkCoreShare),
      'bench cores': fmt(r.publisherCoreShare),
      'other cores': fmt(r.otherCoreShare),
      note: r.relayCpu ? `+ relay ${fmt(r.relayCpu.msPerDestinationPerSecond)} CPU-ms/dest/s` : engineNote(r.systemReport),
    };
  }
  console.table(rows);
  const busy = results.filter((r) => (r.otherCoreShare ?? 0) > NOISY_OTHER_CORES);
  if (busy.length > 0) {
    const worst = Math.max(...busy.map((r) => r.otherCoreShare!));
    console.log(
      `⚠ other processes used up to ${fmt(worst)} cores during ${busy.length} of the windows ("other cores"): ` +
        'CPU and latency figures are noisy; re-run on an idle machine before quoting them.',
    );
  }

}


function printComparisons(comparisons: Comparison[]): void {
  if (comparisons.length === 0) return;
  console.table(
    Object.fromEntries(
      comparisons.map((c) => [
        `N=${c.destinations}`,
        {
          'Fanout ÷ nginx push': fmt(c.fanoutOverNginx),
          'ffmpeg/dest ÷ Fanout': fmt(c.ffmpegOverFanout, 1),
          '(with relay)': fmt(c.ffmpegWithRelayOverFanout, 1),
          'RSS Fanout ÷ nginx': fmt(c.memoryFanoutOverNginx, 1),
          'RSS ffmpeg ÷ Fanout': fmt(c.memoryFfmpegOverFanout, 1),
          ...(c.naiveOverNginx !== null ? { 'naive ÷ nginx push': fmt(c.naiveOverNginx) } : {}),
          ...(c.floorOverNginx !== null ? { 'floor ÷ nginx push': fmt(c.floorOverNginx) } : {}),
          ...(c.ffmpegOverFloor !== null ? { 'ffmpeg/dest ÷ floor': fmt(c.ffmpegOverFloor, 1) } : {}),
          ...(c.fanoutOverFloor !== null ? { 'Fanout ÷ floor': fmt(c.fanoutOverFloor) } : {}),
        },
      ]),
    ),
  );
}

/** Where the platform's CPU went, per configuration: by part (API node process, PostgreSQL), by process and by thread. */
function printPlatformSplit(results: ConfigResult[]): void {
  const platform = results.filter((r) => r.system === 'platform' && r.status === 'ok' && r.parts);
  if (platform.length === 0) return;
  console.log('\nWhere the platform\'s CPU goes (share of one core over the window; PSS at its end):');
  for (const r of platform) {
    const parts = Object.entries(r.parts!)
      .map(([name, p]) => `${name} ${fmt(p.coreShare * 100, 1)}% (PSS ${fmt(p.pssBytes / 1048576, 0)} MB)`)
      .join(', ');
    const wallS = r.window!.wallMs / 1000;
    const postgres = Object.values(r.parts!)
      .flatMap((p) => p.processes)
      .filter((p) => p.name.startsWith('postgres'))
      .slice(0, 5)
      .map((p) => `${p.name} ${fmt(p.ms / wallS / 10, 2)}%`)
      .join(', ');
    const threads = Object.entries(r.cpu!.byThread)
      .slice(0, 4)
      .map(([name, ms]) => `${name} ${fmt(ms / wallS / 10, 1)}%`)
      .join(', ');
    console.log(`  ${shape(r)}: total ${fmt(r.cpu!.coreShare * 100, 1)}% = ${parts}`);
    console.log(`    threads: ${threads}`);
    if (postgres) console.log(`    PostgreSQL, busiest processes: ${postgres}`);
  }
}

function printCapacity(capacity: CapacityResult[]): void {
  if (capacity.length === 0) return;
  console.log(
    `\nCapacity: M ingests × ${capacity[0]!.destinationsPerIngest} destinations, grown until real time, lossless ` +
      `(received/sent >= ${CAPACITY_LIMITS.minByteRatio}) or p99 added latency < ${CAPACITY_LIMITS.maxP99Ms} ms breaks:`,
  );
  for (const c of capacity) {
    const steps = c.steps
      .map(
        (s) =>
          `M=${s.ingests} ${s.held ? `held${s.tries > 1 ? ' (on the second try)' : ''}` : `broke (${s.breaks.join('; ')})`}` +
          (s.coreShare !== undefined ? ` [system ${fmt(s.coreShare)} cores, sinks ${fmt(s.sinkCoreShare)}, bench ${fmt(s.publisherCoreShare)}, other programs ${fmt(s.otherCoreShare)}]` : ''),
      )
      .join('\n    ');
    console.log(`  ${c.label}: largest M that held ${c.largestHeld ?? 'none'} (${c.endedBy})\n    ${steps}`);
  }
}

/** The columns of the issue's table, in order: the platform, its two peers, then our references. */
export const ISSUE_COLUMNS: ReadonlyArray<{ system: SystemId; title: string }> = [
  { system: 'platform', title: 'Fanout platform' },
  { system: 'nms', title: 'Node-Media-Server 4.4.3' },
  { system: 'nginx-push', title: 'nginx-rtmp push' },
  { system: 'fanout', title: 'engine alone' },
  { system: 'node-floor', title: 'Node floor' },
  { system: 'ffmpeg', title: 'ffmpeg per destination' },
];

export interface IssueRow {
  row: string;
  /** By system id; null where not measured. */
  values: Partial<Record<SystemId, number | null>>;
  digits: number;
  /** Ratios platform ÷ peer make sense (a cost); false for capacity and byte ratios. */
  ratio: boolean;
}

export interface IssueTable {
  rows: IssueRow[];
}

/** The issue's rows from the results (one ingest at N = 1, 10, 50; 10 and 20 ingests × 3) and the capacity search. */
export function buildIssueTable(results: readonly ConfigResult[], capacity: readonly CapacityResult[]): IssueTable {
  const systems = ISSUE_COLUMNS.map((c) => c.system);
  const each = (pick: (r: ConfigResult) => number | null, m: number, n: number): Partial<Record<SystemId, number | null>> =>
    Object.fromEntries(systems.map((id) => {
      const r = okResult(results, id, n, m);
      return [id, r ? pick(r) : null];
    }));
  const perSecond = (r: ConfigResult): number => r.cpu!.totalMs / (r.window!.wallMs / 1000);
  const pssMb = (r: ConfigResult): number => r.memory!.pssBytes / 1048576;
  const videoS = (r: ConfigResult): number => r.sinks!.videoEverywhereMs / 1000;
  const worst = (r: ConfigResult): number | null => r.sinks!.worst?.byteRatio ?? null;
  const rows: IssueRow[] = [
    { row: '1 ingest → 1 destination: CPU-ms per second', values: each(perSecond, 1, 1), digits: 1, ratio: true },
    { row: '1 → 10: CPU-ms per destination per second', values: each((r) => r.cpu!.msPerDestinationPerSecond, 1, 10), digits: 2, ratio: true },
    { row: '1 → 50: CPU-ms per destination per second', values: each((r) => r.cpu!.msPerDestinationPerSecond, 1, 50), digits: 2, ratio: true },
    { row: '10 ingests × 3: % of one core', values: each((r) => r.cpu!.coreShare * 100, 10, 3), digits: 1, ratio: true },
    { row: '20 ingests × 3: % of one core', values: each((r) => r.cpu!.coreShare * 100, 20, 3), digits: 1, ratio: true },
    { row: 'PSS at 1 → 50 (MB)', values: each(pssMb, 1, 50), digits: 0, ratio: true },
    { row: 'PSS at 20 × 3 (MB)', values: each(pssMb, 20, 3), digits: 0, ratio: true },
    { row: 'video at every destination after the publish starts, 1 → 50 (s)', values: each(videoS, 1, 50), digits: 2, ratio: true },
    { row: 'video at every destination after the publish starts, 20 × 3 (s)', values: each(videoS, 20, 3), digits: 2, ratio: true },
    { row: 'received/sent bytes at the worst destination, 1 → 50', values: each(worst, 1, 50), digits: 4, ratio: false },
    { row: 'received/sent bytes at the worst destination, 20 × 3', values: each(worst, 20, 3), digits: 4, ratio: false },
  ];
  if (capacity.length > 0) {
    const n = capacity[0]!.destinationsPerIngest;
    rows.push({
      row: `capacity: largest M × ${n} that held (real time, lossless, p99 < ${CAPACITY_LIMITS.maxP99Ms} ms)`,
      values: Object.fromEntries(systems.map((id) => {
        const c = capacity.find((x) => x.system === id);
        return [id, c ? c.largestHeld ?? 0 : null];
      })),
      digits: 0,
      ratio: false,
    });
  }
  return { rows };
}

/** The issue's table as Markdown: one column per system, then the platform ÷ NMS and ÷ nginx ratios. */
export function issueTableMarkdown(table: IssueTable): string {
  const columns = ISSUE_COLUMNS.filter((c) => table.rows.some((r) => r.values[c.system] != null));
  const header = ['', ...columns.map((c) => c.title), 'platform ÷ NMS', 'platform ÷ nginx'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of table.rows) {
    const cells = columns.map((c) => {
      const v = row.values[c.system];
      return v === null || v === undefined ? '-' : v === Infinity ? 'never' : fmt(v, row.digits);
    });
    const platform = row.values.platform ?? null;
    const versus = (peer: SystemId): string => {
      const ratioValue = row.ratio ? ratio(platform, row.values[peer] ?? null) : null;
      return ratioValue === null || !Number.isFinite(ratioValue) ? '-' : `${fmt(ratioValue, 2)}×`;
    };
    lines.push(`| ${[row.row, ...cells, versus('nms'), versus('nginx-push')].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** "; <who> in the same run: N=1: 2.30x, ..." for the same ratio measured for another system, when it ran. */
function peerNote(comparisons: Comparison[], pick: (c: Comparison) => number | null, who: string, digits = 1): string {
  const measured = comparisons.filter((c) => pick(c) !== null);
  if (measured.length === 0) return '';
  return `; ${who} in the same run: ${measured.map((c) => `N=${c.destinations}: ${fmt(pick(c), digits)}x`).join(', ')}`;
}

/** The same ratio for the Node floor: the best any Node relay of this stream can score. */
function floorNote(comparisons: Comparison[], pick: (c: Comparison) => number | null, digits: number): string {
  return peerNote(comparisons, pick, 'Node byte-passthrough floor', digits);
}

function evaluateTargets(results: ConfigResult[], comparisons: Comparison[]): Target[] {
  const fanout = results.filter((r) => r.system === 'fanout' && r.ingests === 1);
  const fanoutOk = fanout.filter((r) => r.status === 'ok');
  const notRun = fanout.find((r) => r.status !== 'ok')?.reason ?? 'Fanout was not run';
  const targets: Target[] = [];

  const nginx = comparisons.filter((c) => c.fanoutOverNginx !== null);
  targets.push(
    nginx.length === 0
      ? { target: 'CPU per destination within 1.5x of nginx-rtmp push', status: 'not measured', detail: fanoutOk.length ? 'nginx push not measured' : notRun }
      : {
          target: 'CPU per destination within 1.5x of nginx-rtmp push',
          status: nginx.every((c) => c.fanoutOverNginx! <= 1.5) ? 'met' : 'not met',
          detail: nginx.map((c) => `N=${c.destinations}: ${fmt(c.fanoutOverNginx)}x`).join(', ') + floorNote(nginx, (c) => c.floorOverNginx, 2),
        },
  );

  const ffmpeg = comparisons.filter((c) => c.ffmpegOverFanout !== null);
  targets.push(
    ffmpeg.length === 0
      ? { target: 'at least 10x less CPU than ffmpeg per destination', status: 'not measured', detail: fanoutOk.length ? 'ffmpeg not measured' : notRun }
      : {
          target: 'at least 10x less CPU than ffmpeg per destination',
          status: ffmpeg.every((c) => c.ffmpegOverFanout! >= 10) ? 'met' : 'not met',
          detail:
            ffmpeg.map((c) => `N=${c.destinations}: ${fmt(c.ffmpegOverFanout, 1)}x`).join(', ') +
            floorNote(ffmpeg, (c) => c.ffmpegOverFloor, 1) +
            peerNote(ffmpeg, (c) => c.ffmpegOverNginx, 'nginx-rtmp push itself'),
        },
  );

  const at50 = fanoutOk.find((r) => r.destinations === 50);
  targets.push(
    at50
      ? {
          target: 'p99 added latency under 20 ms at N = 50',
          status: at50.latencyMs!.p99 < 20 ? 'met' : 'not met',
          detail: `p99 ${fmt(at50.latencyMs!.p99, 1)} ms over ${at50.latencyMs!.count} messages, worst sink p99 ${fmt(at50.latencyMs!.worstSinkP99, 1)} ms`,
        }
      : { target: 'p99 added latency under 20 ms at N = 50', status: 'not measured', detail: fanoutOk.length ? 'N=50 not run' : notRun },
  );

  targets.push(
    fanoutOk.length === 0
      ? { target: 'received/sent = 1.0 for every healthy sink', status: 'not measured', detail: notRun }
      : {
          target: 'received/sent = 1.0 for every healthy sink',
          status: fanoutOk.every((r) => r.sinks!.exactlyOne === r.sinks!.connected && r.sinks!.connected === r.destinations) ? 'met' : 'not met',
          detail: fanoutOk
            .map((r) => `N=${r.destinations}: ${r.sinks!.exactlyOne}/${r.destinations} exact, ${r.sinks!.connected} connected, min ${fmt(r.sinks!.byteRatioMin, 4)}`)
            .join('; '),
        },
  );
  return targets;
}
