'use client';

import { createUserSchema, roleSchema, userSchema, type Role, type User } from '@fanout/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { TextField } from '@/components/text-field';
import { alertBox, card, primaryButton, secondaryButton, select, selectBase, subtleText } from '@/components/ui';
import { ApiRequestError, apiRequest } from '@/lib/api';
import { apiPaths } from '@/lib/api-paths';
import { useApiForm } from '@/lib/use-api-form';

const ROLE_TEXT: Record<Role, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** API errors about accounts, in words that say what to do. */
export function describeUserError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    switch (error.code) {
      case 'LAST_OWNER':
        return 'Fanout needs at least one owner. Make someone else an owner first.';
      case 'CANNOT_DELETE_SELF':
        return 'You cannot delete your own account. Ask another owner or admin.';
      case 'EMAIL_TAKEN':
        return 'An account with this email already exists.';
      case 'FORBIDDEN':
        return 'Only an owner can do that.';
      default:
        return error.message;
    }
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

function UserRow({ user, me, onChanged, onDelete }: { user: User; me: User; onChanged: (u: User) => void; onDelete: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const selectId = `role-${user.id}`;

  async function changeRole(role: Role) {
    setPending(true);
    setError(null);
    try {
      onChanged(await apiRequest(apiPaths.user(user.id), { method: 'PATCH', json: { role }, schema: userSchema }));
    } catch (e) {
      setError(describeUserError(e));
    } finally {
      setPending(false);
    }
  }

  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center gap-3">
        <p className="min-w-0 flex-1 truncate text-sm font-medium">
          {user.email}
          {user.id === me.id ? <span className={`ml-2 text-xs ${subtleText}`}>(you)</span> : null}
        </p>
        <label htmlFor={selectId} className="sr-only">
          Role of {user.email}
        </label>
        <select id={selectId} className={`${selectBase} w-auto`} value={user.role} disabled={pending} onChange={(e) => void changeRole(e.target.value as Role)}>
          {roleSchema.options.map((r) => (
            <option key={r} value={r} disabled={r === 'owner' && me.role !== 'owner'}>
              {ROLE_TEXT[r]}
            </option>
          ))}
        </select>
        <button type="button" className={secondaryButton} onClick={onDelete} disabled={user.id === me.id} aria-label={`Delete ${user.email}`}>
          Delete
        </button>
      </div>
      {error ? (
        <p role="alert" className={`mt-2 ${alertBox}`}>
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** Accounts and roles, for owners and admins. */
export function UsersClient({ initial, me }: { initial: User[]; me: User }) {
  const [users, setUsers] = useState(initial);
  const { errors, formError, pending, submit } = useApiForm('Could not create the user.', {
    describe: (error) =>
      error instanceof ApiRequestError && error.code === 'EMAIL_TAKEN'
        ? { fields: { email: describeUserError(error) } }
        : error instanceof ApiRequestError && Object.keys(error.fieldErrors).length > 0
          ? undefined
          : { message: describeUserError(error) },
  });
  const [deleting, setDeleting] = useState<User | null>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const parsed = createUserSchema.safeParse({ email: String(data.get('email') ?? ''), password: String(data.get('password') ?? ''), role: String(data.get('role') ?? 'member') });
    await submit(parsed, async (input) => {
      const user = await apiRequest(apiPaths.users(), { method: 'POST', json: input, schema: userSchema });
      setUsers((list) => [...list, user]);
      form.reset();
    });
  }

  return (
    <section aria-labelledby="users-title" className={card}>
      <h2 id="users-title" className="text-base font-semibold">
        Users and roles
      </h2>
      <p className={`mt-1 ${subtleText}`}>Owners and admins manage every stream and account; members manage their own streams.</p>
      {users.length === 0 ? (
        <p className={`mt-4 ${subtleText}`}>No users.</p>
      ) : (
        <ul className="mt-3 divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Users">
          {users.map((u) => (
            <UserRow key={u.id} user={u} me={me} onChanged={(next) => setUsers((list) => list.map((x) => (x.id === next.id ? next : x)))} onDelete={() => setDeleting(u)} />
          ))}
        </ul>
      )}

      <form noValidate onSubmit={onSubmit} className="mt-4 grid gap-3 border-t border-zinc-200 pt-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-start dark:border-zinc-800" aria-label="Add user">
        <TextField name="email" label="Email" type="email" autoComplete="off" error={errors['email']} />
        <TextField name="password" label="Initial password" type="password" autoComplete="new-password" error={errors['password']} hint="At least 10 characters." />
        <div className="space-y-1.5">
          <label htmlFor="field-role" className="block text-sm font-medium">
            Role
          </label>
          <select id="field-role" name="role" defaultValue="member" className={select}>
            {roleSchema.options.map((r) => (
              <option key={r} value={r} disabled={r === 'owner' && me.role !== 'owner'}>
                {ROLE_TEXT[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={`${primaryButton} sm:mt-7`} disabled={pending}>
          {pending ? 'Adding…' : 'Add user'}
        </button>
      </form>
      {formError ? (
        <p role="alert" className={`mt-3 ${alertBox}`}>
          {formError}
        </p>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${deleting.email}?`}
          description="They are signed out everywhere and can no longer sign in."
          confirmLabel="Delete user"
          pendingLabel="Deleting…"
          describeError={describeUserError}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await apiRequest(apiPaths.user(deleting.id), { method: 'DELETE' });
            setUsers((list) => list.filter((x) => x.id !== deleting.id));
          }}
        />
      ) : null}
    </section>
  );
}
