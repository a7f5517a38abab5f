/** `42 s`, `5 min 3 s`, `2 h 5 min`, `3 d 4 h`: two units at most, enough for a status panel. */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const seconds = s % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A wait as people say it: `30 s`, `90 s`, then whole minutes rounded up (`15 min`). */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

export { codecLabel } from '@fanout/contracts';

/** `850 kb/s`, `2.5 Mb/s`, `—` when unknown: one way to write a bitrate across the dashboard. */
export function formatKbps(kbps: number | null): string {
  if (kbps === null) return '—';
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mb/s` : `${Math.round(kbps)} kb/s`;
}

/** `48 kHz`, `44.1 kHz`. */
export function formatSampleRate(hz: number): string {
  const khz = hz / 1000;
  return `${Number.isInteger(khz) ? khz : khz.toFixed(1)} kHz`;
}

/** `mono`, `stereo`, `6 ch`. */
export function formatChannels(channels: number): string {
  return channels === 1 ? 'mono' : channels === 2 ? 'stereo' : `${channels} ch`;
}

/** `43 ms`, `1.2 s`, `12 s`: how long a request took. */
export function formatLatency(ms: number): string {
  const v = Math.max(0, Math.round(ms));
  if (v < 1000) return `${v} ms`;
  return v < 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v / 1000)} s`;
}

/** `820 KB`, `1.4 GB`: a file size in decimal units, as file managers show it. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
