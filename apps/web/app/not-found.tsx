import Link from 'next/link';
import { card } from '@/components/ui';

export default function NotFound() {
  return (
    <section className={`${card} mx-auto max-w-md text-center`}>
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">There is nothing at this address.</p>
      <Link href="/streams" className="mt-4 inline-block text-sm font-medium text-sky-700 underline dark:text-sky-400">
        Back to your streams
      </Link>
    </section>
  );
}
