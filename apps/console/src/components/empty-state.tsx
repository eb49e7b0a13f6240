import type { ReactNode } from 'react';

/** What an empty list says: what is missing and what makes it appear. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="empty" aria-live="polite">
      <h2>{title}</h2>
      {children ? <p>{children}</p> : null}
    </section>
  );
}
