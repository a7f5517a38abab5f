/**
 * Prometheus text exposition format 0.0.4, by hand (no client library): HELP and TYPE lines,
 * then samples; histograms as cumulative `_bucket{le}` plus `_sum` and `_count`.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface ScalarFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels?: Labels; value: number }[];
}

export interface HistogramFamily {
  name: string;
  help: string;
  type: 'histogram';
  /** Upper bounds, ascending, without +Inf. */
  buckets: readonly number[];
  /** `counts[i]` observations fell in bucket i (not cumulative); one more entry for +Inf. */
  series: { labels: Labels; counts: readonly number[]; sum: number }[];
}

export type MetricFamily = ScalarFamily | HistogramFamily;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelSet(labels: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(labels ?? {});
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  for (const [key] of pairs) if (!LABEL.test(key)) throw new Error(`invalid label name ${key}`);
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

export function formatExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type !== 'histogram') {
      for (const sample of family.samples) lines.push(`${family.name}${labelSet(sample.labels)} ${formatValue(sample.value)}`);
      continue;
    }
    for (const series of family.series) {
      let cumulative = 0;
      family.buckets.forEach((bound, i) => {
        cumulative += series.counts[i] ?? 0;
        lines.push(`${family.name}_bucket${labelSet(series.labels, ['le', formatValue(bound)])} ${cumulative}`);
      });
      cumulative += series.counts[family.buckets.length] ?? 0;
      lines.push(`${family.name}_bucket${labelSet(series.labels, ['le', '+Inf'])} ${cumulative}`);
      lines.push(`${family.name}_sum${labelSet(series.labels)} ${formatValue(series.sum)}`);
      lines.push(`${family.name}_count${labelSet(series.labels)} ${cumulative}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
