import type { Metadata, Viewport } from 'next';
import { AppHeader } from '@/components/app-header';
import { getSession } from '@/lib/session';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Fanout', template: '%s · Fanout' },
  description: 'Self-hosted multistream restreaming: one RTMP ingest, many destinations.',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#18181b' },
  ],
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const session = await getSession();
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 dark:bg-zinc-900 dark:text-zinc-100"
        >
          Skip to content
        </a>
        <AppHeader user={session.status === 'signed-in' ? session.user : null} />
        <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
