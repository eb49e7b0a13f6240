'use client';
import { useEffect } from 'react';

/**
 * A console page whose data could not be read (the database down, slow or holding a lock for a long change,
 * or a bug): what happened in words, the reference the console's server log carries for it, and a retry that
 * reads the data again. Under app/(console) the navigation stays, so the rest of the console is a click away;
 * under app/ it stands alone, for a failure of the console's own frame (who is signed in).
 */
export function PageError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  useEffect(() => {
    document.title = 'Page not loaded · ACSA console';
  }, []);
  return (
    <section className="card" role="alert" aria-labelledby="page-error">
      <h1 id="page-error">This page could not be loaded</h1>
      <p>
        The console could not read what this page shows. It is usually the database: unavailable, slow, or
        busy with a long change. Trying again in a moment often works; the rest of the console may still
        answer.
      </p>
      {error.digest ? (
        <p className="muted">
          Reference <code>{error.digest}</code>, in the console's server log beside the error.
        </p>
      ) : null}
      <button type="button" onClick={() => retry()}>
        Try again
      </button>
    </section>
  );
}
