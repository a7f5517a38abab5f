'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** Current on `href` and below it, except under `except` (a page with a nav entry of its own). */
export function NavLink({ href, except = [], children }: { href: string; except?: readonly string[]; children: React.ReactNode }) {
  const pathname = usePathname();
  const within = (path: string) => pathname === path || pathname.startsWith(`${path}/`);
  const current = href === '/' ? pathname === '/' : within(href) && !except.some(within);
  return (
    <Link
      href={href}
      aria-current={current ? 'page' : undefined}
      className="inline-flex items-center rounded-md px-2.5 py-1.5 text-sm font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 aria-[current=page]:bg-zinc-100 aria-[current=page]:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 dark:aria-[current=page]:bg-zinc-800 dark:aria-[current=page]:text-zinc-100"
    >
      {children}
    </Link>
  );
}
