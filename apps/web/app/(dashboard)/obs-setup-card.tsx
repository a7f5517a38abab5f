import { CopyButton } from '@/components/copy-button';
import { card, input } from '@/components/ui';

/** Where to point OBS. Server-rendered; only the copy button is interactive. */
export function ObsSetupCard({ serverUrl }: { serverUrl: string }) {
  return (
    <section aria-labelledby="obs-setup-title" className={card}>
      <h2 id="obs-setup-title" className="text-base font-semibold">
        OBS setup
      </h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Publish once to Fanout; it forwards your stream to every destination.
      </p>

      <label htmlFor="ingest-url" className="mt-4 block text-sm font-medium">
        Server URL
      </label>
      <div className="mt-1.5 flex gap-2">
        <input
          id="ingest-url"
          readOnly
          value={serverUrl}
          spellCheck={false}
          className={`${input} font-mono`}
        />
        <CopyButton value={serverUrl} label="Copy server URL" />
      </div>

      <ol className="mt-5 list-decimal space-y-1.5 pl-5 text-sm text-zinc-700 dark:text-zinc-300">
        <li>
          In OBS, open <strong>Settings → Stream</strong>.
        </li>
        <li>
          Set <strong>Service</strong> to <strong>Custom…</strong>
        </li>
        <li>
          Paste the URL above into <strong>Server</strong>, and your stream&apos;s key into <strong>Stream Key</strong>.
        </li>
        <li>
          In <strong>Settings → Output</strong> (Output Mode: Advanced), set <strong>Keyframe Interval</strong> to{' '}
          <strong>2 s</strong>: most platforms require it.
        </li>
      </ol>
    </section>
  );
}
