import type { User } from '@fanout/contracts';
import Link from 'next/link';
import { NavLink } from './nav-link';
import { SignOutButton } from './sign-out-button';
import { StreamsNavBadge } from './streams-nav-badge';

/** The shell's top bar. Navigation and sign-out only appear once someone is signed in. */
export function AppHeader({ user }: { user: User | null }) {
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/streams" className="flex items-center gap-2 rounded-md text-base font-semibold tracking-tight">
          <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6 text-sky-600 dark:text-sky-400" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            <circle cx="5" cy="12" r="2.5" />
            <path d="M7.5 12h4m0 0 7-6m-7 6h7m-7 0 7 6" />
          </svg>
          Fanout
        </Link>
        {user ? (
          <>
            <nav aria-label="Main" className="order-last flex w-full gap-1 sm:order-none sm:w-auto">
              <NavLink href="/streams">
                Streams
                <StreamsNavBadge />
              </NavLink>
              {user.role === 'member' ? null : <NavLink href="/settings/webhooks">Webhooks</NavLink>}
              <NavLink href="/settings" except={user.role === 'member' ? [] : ['/settings/webhooks']}>
                Settings
              </NavLink>
            </nav>
            <div className="ml-auto flex items-center gap-3">
              <Link href="/settings/account" className="hidden truncate rounded-md text-sm text-zinc-600 hover:text-zinc-900 sm:inline dark:text-zinc-400 dark:hover:text-zinc-100" title={`Signed in as ${user.email}: your account`}>
                {user.email}
              </Link>
              <SignOutButton />
            </div>
          </>
        ) : null}
      </div>
    </header>
  );
}
