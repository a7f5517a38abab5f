import { describe, expect, it } from 'vitest';
import { inputSwitch } from '../test/fixtures';
import { describeSwitch, switchReasonText } from './input-switch';

describe('input switches in words', () => {
  it('says what went on air, why, and the gap in media time', () => {
    expect(describeSwitch(inputSwitch())).toBe('backup on air (primary lost), gap 33 ms');
    expect(describeSwitch(inputSwitch({ onAir: 'slate', reason: 'backup-stalled', gapMs: null }))).toBe('slate on air (backup stopped sending)');
    expect(describeSwitch(inputSwitch({ onAir: 'primary', reason: 'failback', gapMs: 0.4 }))).toBe('primary on air (the primary was healthy again), gap 0 ms');
  });

  it('has words for every reason', () => {
    expect(switchReasonText('manual')).toBe('switched by hand');
    expect(switchReasonText('ended')).toBe('the broadcast ended');
  });
});
