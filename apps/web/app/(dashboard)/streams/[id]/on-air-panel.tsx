'use client';

import { streamStatusSchema, type InputStatus, type InputSwitchEvent, type OnAir, type StreamStatus } from '@fanout/contracts';
import { useId, useState } from 'react';
import { Toggle } from '@/components/toggle';
import { alertBox, card, secondaryButton, subtleText } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { codecLabel, formatKbps } from '@/lib/format';
import { switchReasonText } from '@/lib/input-switch';

type Inputs = NonNullable<StreamStatus['inputs']>;
const inputsSchema = streamStatusSchema.shape.inputs.unwrap();
type Encoder = 'primary' | 'backup';

const ON_AIR_LABEL: Record<OnAir, string> = { primary: 'Primary', backup: 'Backup', slate: 'Slate', none: 'Nothing' };
const ON_AIR_DOT: Record<OnAir, string> = { primary: 'bg-emerald-500', backup: 'bg-sky-500', slate: 'bg-amber-500', none: 'bg-zinc-400' };

/** An encoder's state in words: on air, standing by, silent or gone. */
export function encoderStateText(input: InputStatus): string {
  switch (input.state) {
    case 'live':
      return 'On air';
    case 'warm':
      return 'Connected, standing by';
    case 'stalled':
      return input.lastMediaAgoMs === null ? 'Connected, sending nothing' : `Connected, nothing for ${Math.round(input.lastMediaAgoMs / 1000)} s`;
    case 'gone':
      return 'Not connected';
  }
}

const STATE_TONE: Record<InputStatus['state'], string> = {
  live: 'text-emerald-700 dark:text-emerald-400',
  warm: 'text-sky-700 dark:text-sky-400',
  stalled: 'text-amber-700 dark:text-amber-400',
  gone: 'text-zinc-600 dark:text-zinc-400',
};

/** Why "Switch to …" cannot be pressed now, or null when it can. */
export function switchBlocker(inputs: Inputs, to: OnAir): string | null {
  if (to === 'primary' || to === 'backup') {
    const input = inputs[to];
    if (input.state === 'gone') return `No ${to} encoder is connected.`;
    if (input.state === 'stalled') return `The ${to} encoder is connected but sending nothing.`;
  }
  if (inputs.onAir === to) return `${ON_AIR_LABEL[to]} is on air.`;
  if (to === 'slate') return inputs.slateReady ? null : 'The slate is not ready (it is off, or still being prepared).';
  return null;
}

function EncoderRow({ name, input }: { name: string; input: InputStatus }) {
  const facts = input.state === 'gone' ? [] : [formatKbps(input.bitrateKbps), `${Math.round(input.fps)} fps`, input.video ? `${codecLabel(input.video.codec)}${input.video.width && input.video.height ? ` ${input.video.width}×${input.video.height}` : ''}` : null].filter(Boolean);
  return (
    <li className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 py-1.5">
      <span className="w-16 text-sm font-medium">{name}</span>
      <span data-testid={`encoder-${name.toLowerCase()}`} className={`text-sm font-medium ${STATE_TONE[input.state]}`}>
        {encoderStateText(input)}
      </span>
      {facts.length > 0 ? <span className={`text-xs tabular-nums ${subtleText}`}>{facts.join(' · ')}</span> : null}
    </li>
  );
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * While live: what the destinations are getting (primary, backup or slate), how each encoder is,
 * and switching by hand. A switch the engine cannot make now is disabled with the reason beside it.
 */
export function OnAirPanel({ streamId, inputs: fromStatus, lastSwitch }: { streamId: string; inputs: Inputs; lastSwitch: InputSwitchEvent | null }) {
  // What the last control call answered, shown until the next snapshot replaces it.
  const [answered, setAnswered] = useState<{ for: Inputs; inputs: Inputs } | null>(null);
  const inputs = answered && answered.for === fromStatus ? answered.inputs : fromStatus;
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const baseId = useId();

  async function control(body: { switchTo?: OnAir; pin?: Encoder | null }, key: string) {
    setPending(key);
    setError(null);
    try {
      const next = await apiRequest(apiPaths.streamInput(streamId), { method: 'POST', json: body, schema: inputsSchema });
      setAnswered({ for: fromStatus, inputs: next });
    } catch (e) {
      setError(e instanceof ApiRequestError || e instanceof Error ? e.message : 'Could not switch.');
    } finally {
      setPending(null);
    }
  }

  const actions: { to: Exclude<OnAir, 'none'>; label: string }[] = [
    { to: 'backup', label: 'Switch to backup' },
    { to: 'primary', label: 'Switch to primary' },
    { to: 'slate', label: 'Show slate' },
  ];
  const pinned = inputs.pinned === 'backup';
  // The engine keeps naming the lost encoder while it waits for it (grace window): say nothing arrives.
  const silent = (inputs.onAir === 'primary' || inputs.onAir === 'backup') && inputs[inputs.onAir].state !== 'live';

  return (
    <section aria-labelledby={`${baseId}-title`} className={card} data-testid="on-air">
      <h2 id={`${baseId}-title`} className="text-base font-semibold">
        On air
      </h2>
      <p className="mt-2 flex items-center gap-2 text-lg font-semibold" data-testid="on-air-now" data-on-air={inputs.onAir}>
        <span aria-hidden="true" className={`size-2.5 rounded-full ${silent ? 'animate-pulse bg-amber-500' : ON_AIR_DOT[inputs.onAir]}`} />
        {ON_AIR_LABEL[inputs.onAir]}
        {silent ? <span className="text-sm font-medium text-amber-700 dark:text-amber-400">· nothing arriving</span> : null}
        {inputs.pinned ? <span className={`text-sm font-normal ${subtleText}`}>(staying on {inputs.pinned})</span> : null}
      </p>
      {lastSwitch && lastSwitch.onAir === inputs.onAir ? (
        <p className={`mt-0.5 ${subtleText}`}>
          Since <time dateTime={lastSwitch.at}>{timeOnly.format(new Date(lastSwitch.at))}</time>: {switchReasonText(lastSwitch.reason)}
        </p>
      ) : null}
      <ul className="mt-3 divide-y divide-zinc-200 dark:divide-zinc-800">
        <EncoderRow name="Primary" input={inputs.primary} />
        <EncoderRow name="Backup" input={inputs.backup} />
      </ul>

      <ul className="mt-3 space-y-2">
        {actions.map(({ to, label }) => {
          const blocker = switchBlocker(inputs, to);
          const reasonId = `${baseId}-${to}-reason`;
          return (
            <li key={to} className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <button
                type="button"
                className={secondaryButton}
                disabled={blocker !== null || pending !== null}
                aria-describedby={blocker ? reasonId : undefined}
                onClick={() => void control({ switchTo: to }, to)}
              >
                {pending === to ? 'Switching…' : label}
              </button>
              {blocker ? (
                <span id={reasonId} className={`text-xs ${subtleText}`}>
                  {blocker}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>

      <div className="mt-4 flex items-center justify-between gap-3">
        <span className="text-sm font-medium">Stay on backup</span>
        <Toggle checked={pinned} label="Stay on backup" describedBy={`${baseId}-pin-hint`} disabled={pending !== null} onChange={(next) => void control({ pin: next ? 'backup' : null }, 'pin')} />
      </div>
      <p id={`${baseId}-pin-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        {pinned ? 'The backup stays on air while it is healthy, even when the primary is back.' : 'Off: when the primary is back and healthy, it goes on air again by itself.'}
      </p>
      {error ? (
        <p role="alert" className={`mt-3 ${alertBox}`}>
          {error}
        </p>
      ) : null}
    </section>
  );
}
