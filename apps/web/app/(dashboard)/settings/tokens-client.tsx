'use client';

import { createApiTokenSchema, createdApiTokenSchema, type ApiToken, type CreatedApiToken } from '@fanout/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { CopyButton } from '@/components/copy-button';
import { TextField } from '@/components/text-field';
import { SelectField } from '@/components/select-field';
import { alertBox, card, input, primaryButton, secondaryButton, subtleText } from '@/components/ui';
import { apiRequest } from '@/lib/api';
import { useApiForm } from '@/lib/use-api-form';
import { apiPaths } from '@/lib/api-paths';

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const SCOPES = [
  { value: 'read-write', label: 'Read and write' },
  { value: 'read-only', label: 'Read only' },
];
/** Days until the token expires; '' never. */
const EXPIRIES = [
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
  { value: '', label: 'Never' },
];

/** Personal API tokens: create (the secret is shown once), list, revoke. */
export function TokensClient({ initial }: { initial: ApiToken[] }) {
  const [tokens, setTokens] = useState(initial);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const { errors, formError, pending, submit } = useApiForm('Could not create the token.');
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const days = String(data.get('expiresInDays') ?? '');
    const parsed = createApiTokenSchema.safeParse({
      name: String(data.get('name') ?? ''),
      scope: String(data.get('scope') ?? 'read-write'),
      ...(days === '' ? {} : { expiresInDays: Number(days) }),
    });
    await submit(parsed, async (body) => {
      const token = await apiRequest(apiPaths.tokens(), { method: 'POST', json: body, schema: createdApiTokenSchema });
      setCreated(token);
      setTokens((list) => [{ id: token.id, name: token.name, scope: token.scope, createdAt: token.createdAt, lastUsedAt: null, expiresAt: token.expiresAt }, ...list]);
      form.reset();
    });
  }

  return (
    <section aria-labelledby="tokens-title" className={card}>
      <h2 id="tokens-title" className="text-base font-semibold">
        Personal API tokens
      </h2>
      <p className={`mt-1 ${subtleText}`}>For scripts and integrations: send as <code>Authorization: Bearer …</code>. A read-write token can do what you can (except create tokens or change your password); a read-only token can only read. Changing your password revokes them all.</p>

      {created ? (
        <div role="status" className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950">
          <p className="text-sm font-semibold text-amber-900 dark:text-amber-200">Copy your new token “{created.name}” now. It won&apos;t be shown again.</p>
          <div className="mt-2 flex gap-2">
            <input readOnly value={created.token} aria-label="New API token" spellCheck={false} className={`${input} font-mono`} />
            <CopyButton value={created.token} label="Copy token" />
          </div>
          <button type="button" className={`${secondaryButton} mt-3`} onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      ) : null}

      <form noValidate onSubmit={onSubmit} className="mt-4 flex flex-col gap-3 sm:flex-row sm:items-start" aria-label="Create API token">
        <div className="flex-1">
          <TextField name="name" label="Token name" placeholder="Stream deck" error={errors['name']} maxLength={100} />
        </div>
        <SelectField name="scope" label="Access" defaultValue="read-write" options={SCOPES} />
        <SelectField name="expiresInDays" label="Expires" defaultValue="90" options={EXPIRIES} />
        <button type="submit" className={`${primaryButton} sm:mt-7`} disabled={pending}>
          {pending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      {formError ? (
        <p role="alert" className={`mt-3 ${alertBox}`}>
          {formError}
        </p>
      ) : null}

      {tokens.length === 0 ? (
        <p className={`mt-4 ${subtleText}`}>No tokens yet.</p>
      ) : (
        <ul className="mt-4 divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Your API tokens">
          {tokens.map((t) => (
            <li key={t.id} className="flex flex-wrap items-center gap-3 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium">{t.name}</p>
                <p className={`text-xs ${subtleText}`}>
                  {t.scope === 'read-only' ? 'Read only' : 'Read and write'} · created {date.format(new Date(t.createdAt))} ·{' '}
                  {t.lastUsedAt ? `last used ${date.format(new Date(t.lastUsedAt))}` : 'never used'} · {t.expiresAt ? `expires ${date.format(new Date(t.expiresAt))}` : 'never expires'}
                </p>
              </div>
              <button type="button" className={secondaryButton} onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          description="Anything using this token stops working at once."
          confirmLabel="Revoke token"
          pendingLabel="Revoking…"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await apiRequest(apiPaths.token(revoking.id), { method: 'DELETE' });
            setTokens((list) => list.filter((x) => x.id !== revoking.id));
            if (created?.id === revoking.id) setCreated(null);
          }}
        />
      ) : null}
    </section>
  );
}
