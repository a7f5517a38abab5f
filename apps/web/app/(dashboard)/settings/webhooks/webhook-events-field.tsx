import { WEBHOOK_EVENT_TYPES } from '@fanout/contracts';
import { eventHint, eventLabel } from '@/lib/webhooks';

/** The events checklist of a webhook form: one checkbox per event type, named `events`. */
export function WebhookEventsField({ idPrefix, defaultValue, error }: { idPrefix: string; defaultValue: readonly string[]; error?: string | undefined }) {
  const errorId = `${idPrefix}-events-error`;
  return (
    <fieldset aria-describedby={error ? errorId : undefined} aria-invalid={error ? true : undefined}>
      <legend className="text-sm font-medium">Events to send</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className="flex items-start gap-2 rounded-md p-1 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/60">
            <input type="checkbox" name="events" value={type} defaultChecked={defaultValue.includes(type)} className="mt-1 size-4 shrink-0 accent-sky-700" />
            <span className="min-w-0">
              <span className="font-medium">{eventLabel(type)}</span> <code className="text-xs text-zinc-600 dark:text-zinc-400">{type}</code>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{eventHint(type)}</span>
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={errorId} className="mt-1 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
