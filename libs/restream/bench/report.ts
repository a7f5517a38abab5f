/**
 * The printed table, the cross-system ratios per N, and the README targets (met or not, as
 * measured: never rounded in our favour).
 */
import type { ConfigResult } from './fanout-bench';
import type { SystemId } from './systems';

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

function cpuOf(results: ConfigResult[], system: SystemId, n: number): number | null {
  const r = results.find((x) => x.system === system && x.destinations === n && x.status === 'ok');
  return r?.cpu ? r.cpu.msPerDestinationPerSecond : null;
}

function okResult(results: ConfigResult[], system: SystemId, n: number): ConfigResult | undefined {
  return results.find((x) => x.system === system && x.destinations === n && x.status === 'ok');
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
    const ok = results.filter((r) => r.system === system && r.status === 'ok' && r.cpu && r.window);
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

export function printReport(results: ConfigResult[]): { comparisons: Comparison[]; marginal: MarginalCost[]; targets: Target[] } {
  const rows: Record<string, Record<string, string>> = {};
  for (const r of results) {
    const key = `${r.label}, N=${r.destinations}`;
    if (r.status !== 'ok') {
      rows[key] = { 'CPU-ms/dest/s': r.status, note: (r.reason ?? '').slice(0, 70) };
      continue;
    }
    rows[key] = {
      'CPU-ms/dest/s': fmt(r.cpu!.msPerDestinationPerSecond),
      'cores': fmt(r.cpu!.coreShare),
      'peak RSS MB': fmt(r.memory!.peakRssBytes / 1048576, 0),
      'p50 ms': fmt(r.latencyMs!.p50, 1),
      'p99 ms': fmt(r.latencyMs!.p99, 1),
      'max ms': fmt(r.latencyMs!.max, 1),
      'sinks ok': `${r.sinks!.exactlyOne}/${r.sinks!.expected}`,
      'recv/sent': r.sinks!.byteRatioMin === r.sinks!.byteRatioMax ? fmt(r.sinks!.byteRatioMin, 4) : `${fmt(r.sinks!.byteRatioMin, 4)}..${fmt(r.sinks!.byteRatioMax, 4)}`,
      'real time': r.keptRealTime ? 'yes' : 'NO',
      'sink cores': fmt(r.sinkCoreShare),
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

  const ns = [...new Set(results.map((r) => r.destinations))].sort((a, b) => a - b);
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

  const marginal = marginalCosts(results);
  if (marginal.length > 0) {
    console.log('CPU-ms per second of stream, split into fixed + per destination (from the smallest and largest N):');
    for (const m of marginal) {
      console.log(
        `  ${m.system}: ${fmt(m.fixedCpuMsPerSecond, 1)} fixed + ${fmt(m.cpuMsPerDestinationPerSecond)} per destination (N=${m.fromN}..${m.toN})`,
      );
    }
  }

  const targets = evaluateTargets(results, comparisons);
  for (const t of targets) console.log(`${t.status === 'met' ? '✔' : t.status === 'not met' ? '✘' : '?'} ${t.target}: ${t.status} (${t.detail})`);
  return { comparisons, marginal, targets };
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
  const fanout = results.filter((r) => r.system === 'fanout');
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
