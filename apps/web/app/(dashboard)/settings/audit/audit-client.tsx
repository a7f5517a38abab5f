'use client';

import { auditActionSchema, auditPageSchema, type AuditAction, type AuditEntry, type AuditPage, type User } from '@fanout/contracts';
import { useEffect, useRef, useState } from 'react';
import { alertBox, card, secondaryButton, selectBase, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { AUDIT_ACTION_TEXT, AUDIT_PAGE_SIZE, actionText, entryDetails } from '@/lib/audit-text';

export interface AuditFilter {
  actorId?: string;
  action?: AuditAction;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** The filter in the address bar, so a filtered log can be reloaded and shared. */
function writeUrl(filter: AuditFilter): void {
  const params = new URLSearchParams();
  if (filter.actorId) params.set('user', filter.actorId);
  if (filter.action) params.set('action', filter.action);
  const query = params.toString();
  window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
}

function Entry({ entry }: { entry: AuditEntry }) {
  const { target, details } = entryDetails(entry);
  const failed = entry.action === 'auth.login-failed' || (entry.action === 'destination.test' && entry.metadata['ok'] === false);
  return (
    <li className="grid gap-x-4 gap-y-0.5 px-4 py-3 sm:grid-cols-[11rem_minmax(0,1fr)] sm:px-5" data-audit-id={entry.id} data-action={entry.action}>
      <time dateTime={entry.createdAt} className={`text-xs tabular-nums sm:pt-0.5 ${subtleText}`}>
        {when.format(new Date(entry.createdAt))}
      </time>
      <div className="min-w-0">
        <p className="text-sm break-words">
          <span className="font-medium">{entry.actor?.email ?? (entry.action === 'auth.login-failed' ? 'Someone' : 'A deleted user')}</span>{' '}
          <span className={failed ? 'text-red-700 dark:text-red-400' : ''}>{actionText(entry.action).toLowerCase()}</span>
          {target ? <span className="font-medium"> {target}</span> : null}
        </p>
        {details.length ? <p className={`text-xs break-words ${subtleText}`}>{details.join(' · ')}</p> : null}
      </div>
    </li>
  );
}

/**
 * Who did what, newest first: every change, sign-in and failed sign-in, filterable by user
 * and by action (the filter lives in the address bar), fifty at a time with "Load older".
 */
export function AuditClient({ users, initial, initialFilter }: { users: User[]; initial: AuditPage; initialFilter: AuditFilter }) {
  const [filter, setFilter] = useState<AuditFilter>(initialFilter);
  const [entries, setEntries] = useState<AuditEntry[]>(initial.entries);
  const [cursor, setCursor] = useState<string | null>(initial.nextCursor);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef(true);

  async function load(next: AuditFilter, after?: string) {
    setPending(true);
    setError(null);
    try {
      const page = await apiRequest(apiPaths.audit({ limit: String(AUDIT_PAGE_SIZE), ...next, ...(after ? { cursor: after } : {}) }), { schema: auditPageSchema });
      setEntries((list) => (after ? [...list, ...page.entries] : page.entries));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not load the audit log.');
    } finally {
      setPending(false);
    }
  }

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    writeUrl(filter);
    void load(filter);
  }, [filter]);

  const filtered = filter.actorId !== undefined || filter.action !== undefined;
  return (
    <>
      <section aria-label="Filter the audit log" className={`${card} flex flex-col gap-3 sm:flex-row sm:items-end`}>
        <div className="space-y-1.5">
          <label htmlFor="audit-user" className="block text-sm font-medium">
            User
          </label>
          <select id="audit-user" className={`${selectBase} w-full sm:w-64`} value={filter.actorId ?? ''} onChange={(e) => setFilter((f) => ({ ...f, actorId: e.target.value || undefined }))}>
            <option value="">Everyone</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1.5">
          <label htmlFor="audit-action" className="block text-sm font-medium">
            Action
          </label>
          <select
            id="audit-action"
            className={`${selectBase} w-full sm:w-64`}
            value={filter.action ?? ''}
            onChange={(e) => setFilter((f) => ({ ...f, action: auditActionSchema.safeParse(e.target.value).data }))}
          >
            <option value="">Every action</option>
            {auditActionSchema.options.map((a) => (
              <option key={a} value={a}>
                {AUDIT_ACTION_TEXT[a]}
              </option>
            ))}
          </select>
        </div>
        {filtered ? (
          <button type="button" className={secondaryButton} onClick={() => setFilter({})}>
            Show everything
          </button>
        ) : null}
      </section>

      <section aria-label="Audit entries" aria-busy={pending} className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        {error ? (
          <p role="alert" className={`m-4 ${alertBox}`}>
            {error}
          </p>
        ) : null}
        {entries.length === 0 && !pending ? (
          <p className={`p-5 ${subtleText}`}>{filtered ? 'Nothing matches this filter.' : 'Nothing has been recorded yet.'}</p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {entries.map((e) => (
              <Entry key={e.id} entry={e} />
            ))}
          </ul>
        )}
        {cursor ? (
          <div className="border-t border-zinc-200 p-4 dark:border-zinc-800">
            <button type="button" className={secondaryButton} disabled={pending} onClick={() => void load(filter, cursor)}>
              {pending ? 'Loading…' : 'Load older entries'}
            </button>
          </div>
        ) : null}
      </section>
    </>
  );
}
