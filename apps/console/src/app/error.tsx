'use client';
import { PageError } from '@/components/page-error';

/**
 * The console's own frame failed (who is signed in is read on every page): the same words, alone on the
 * page, and a full reload to try again (a refresh of the failed segment alone does not render the frame anew).
 */
export default function FrameError({ error }: { error: Error & { digest?: string } }) {
  return (
    <main className="page">
      <PageError error={error} retry={() => window.location.reload()} />
    </main>
  );
}
