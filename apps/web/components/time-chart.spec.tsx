import { describe, expect, it } from 'vitest';
import { timeTickLabels } from './time-chart';

const T = Date.UTC(2026, 10, 21, 22, 0, 0) / 1000;
const colons = (label: string) => label.split(':').length - 1;

describe('timeTickLabels', () => {
  it('labels every tick on one line, with seconds only for a live window and the day only across days', () => {
    const live = timeTickLabels([T, T + 10, T + 20], 180);
    expect(live.every((l) => colons(l) === 2 && !l.includes('\n'))).toBe(true);
    expect(new Set(live).size).toBe(3);
    expect(timeTickLabels([T, T + 1800], 3 * 3600).every((l) => colons(l) === 1)).toBe(true);
    const days = timeTickLabels([T, T + 86_400], 3 * 86_400);
    expect(days[0]).not.toBe(days[1]);
    expect(days.every((l) => /\d/.test(l) && colons(l) === 1 && l.length > 6)).toBe(true);
  });
});
