import { redirect } from 'next/navigation';

/** The streams list is home: it is where a broadcast starts. */
export default function HomePage() {
  redirect('/streams');
}
