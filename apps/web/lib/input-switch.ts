import type { InputSwitchEvent, OnAir } from '@fanout/contracts';

const REASON_TEXT: Record<InputSwitchEvent['reason'], string> = {
  'publish-start': 'the broadcast started',
  'primary-lost': 'primary lost',
  'primary-stalled': 'primary stopped sending',
  'backup-lost': 'backup lost',
  'backup-stalled': 'backup stopped sending',
  'backup-keyframe': 'the slate bridged the gap until the backup’s first keyframe',
  'primary-keyframe': 'the slate bridged the gap until the primary’s first keyframe',
  failback: 'the primary was healthy again',
  manual: 'switched by hand',
  'publisher-returned': 'the encoder came back',
  takeover: 'a new publish on the same key replaced the old one',
  ended: 'the broadcast ended',
};

const ON_AIR_TEXT: Record<OnAir, string> = { primary: 'primary on air', backup: 'backup on air', slate: 'slate on air', none: 'nothing on air' };

/** Why what is on air changed, in words ("primary lost"). */
export function switchReasonText(reason: InputSwitchEvent['reason']): string {
  return REASON_TEXT[reason];
}

/** "backup on air (primary lost), gap 33 ms": one input switch as a line of a session's history (the time goes before it). */
export function describeSwitch(event: InputSwitchEvent): string {
  const gap = event.gapMs === null ? '' : `, gap ${Math.round(event.gapMs)} ms`;
  return `${ON_AIR_TEXT[event.onAir]} (${REASON_TEXT[event.reason]})${gap}`;
}
