'use client';

import { destinationTestResultSchema, platformPreset, type Destination, type DestinationTestResult } from '@fanout/contracts';
import { useState } from 'react';
import { Dialog } from '@/components/dialog';
import { primaryButton, secondaryButton, subtleText } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { FAILURE_HINT, FAILURE_REASON_TEXT } from '@/lib/destination-state';

const errorText = (e: unknown, fallback: string) => (e instanceof ApiRequestError || e instanceof Error ? e.message : fallback);

/** "Retry now" for a reconnecting or failed destination of a live stream: skips the wait. The new state arrives with the live events. */
export function RetryNowButton({ destination, onError }: { destination: Destination; onError: (message: string | null) => void }) {
  const [pending, setPending] = useState(false);
  async function retry() {
    setPending(true);
    onError(null);
    try {
      await apiRequest(apiPaths.destinationRetry(destination.id), { method: 'POST' });
    } catch (e) {
      onError(errorText(e, 'Could not retry the destination.'));
    } finally {
      setPending(false);
    }
  }
  return (
    <button type="button" className={primaryButton} onClick={() => void retry()} disabled={pending} aria-label={`Retry ${destination.name} now`}>
      {pending ? 'Retrying…' : 'Retry now'}
    </button>
  );
}

/** A test's answer in plain words. */
export function testResultText(result: DestinationTestResult, platformLabel: string): { title: string; detail: string } {
  if (result.ok) {
    return {
      title: `Connected: ${platformLabel} accepted the stream key`,
      detail: `Fanout connected, started a publish and stopped it at once, in ${(result.elapsedMs / 1000).toFixed(1)} s. No video was sent.`,
    };
  }
  return { title: `Could not publish: ${FAILURE_REASON_TEXT[result.reason]}`, detail: FAILURE_HINT[result.reason] };
}

/**
 * "Test connection" while the stream is idle: says first what a test does at the platform, then
 * connects, publishes with the key and unpublishes at once (no media), and reports the result.
 */
export function TestConnectionButton({ destination }: { destination: Destination }) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<DestinationTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const preset = platformPreset(destination.platform);
  const label = destination.platform === 'custom' ? 'the server' : preset.label;

  async function run() {
    setPending(true);
    setError(null);
    setResult(null);
    try {
      setResult(await apiRequest(apiPaths.destinationTest(destination.id), { method: 'POST', schema: destinationTestResultSchema }));
    } catch (e) {
      setError(errorText(e, 'Could not run the test.'));
    } finally {
      setPending(false);
    }
  }

  const shown = result ? testResultText(result, label) : null;
  return (
    <>
      <button type="button" className={secondaryButton} onClick={() => setOpen(true)} aria-label={`Test connection to ${destination.name}`}>
        Test connection
      </button>
      {open ? (
        <Dialog
          title={`Test ${destination.name}`}
          description={
            <>
              Fanout connects to {label}, signs in with this destination’s stream key and starts a publish, then stops at once without sending audio or
              video. {preset.testNote}
            </>
          }
          onClose={pending ? () => undefined : () => setOpen(false)}
        >
          <div aria-live="polite" data-testid="test-result">
            {pending ? <p className={subtleText}>Connecting to {label}…</p> : null}
            {shown ? (
              <div
                data-ok={result!.ok ? 'true' : 'false'}
                className={`rounded-md px-3 py-2 text-sm ${result!.ok ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100' : 'bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100'}`}
              >
                <p className="font-semibold">{shown.title}</p>
                <p className="mt-0.5">{shown.detail}</p>
                {result && !result.ok && result.reason !== 'unreachable' && result.message ? <p className="mt-1 font-mono text-xs break-words opacity-80">{result.message}</p> : null}
              </div>
            ) : null}
            {error ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
                {error}
              </p>
            ) : null}
          </div>
          <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <button type="button" className={secondaryButton} onClick={() => setOpen(false)} disabled={pending}>
              Close
            </button>
            <button type="button" className={primaryButton} onClick={() => void run()} disabled={pending}>
              {pending ? 'Testing…' : result || error ? 'Test again' : 'Run test'}
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
