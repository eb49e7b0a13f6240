import Link from 'next/link';

/**
 * No run started because another is active: said, with a link to that run. Opening it instead left the
 * engineer believing theirs had started, with a promotion mode and size they had not chosen.
 */
export function OtherRunActive({
  what,
  other,
  testId,
}: {
  /** What did not happen: "Not started", "Not replayed". */
  what: string;
  other: { runId: string; message: string };
  testId: string;
}) {
  return (
    <p role="status" data-testid={testId}>
      {what}: {other.message}. <Link href={`/runs/${other.runId}`}>Open that run</Link>
    </p>
  );
}
