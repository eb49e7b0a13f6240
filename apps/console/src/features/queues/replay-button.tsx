'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useSayStatus } from '@/components/page-status';
import { useTRPC } from '@/components/trpc';

/** Replays one dead letter (as `acsa dlq replay ID`) and redraws the page without it. */
export function ReplayButton({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const say = useSayStatus();
  const replay = useMutation(
    trpc.queues.replayDeadLetter.mutationOptions({
      onSuccess: (r) => {
        say(
          `Dead letter ${id}: ${r.how === 'retried' ? 'retried in place' : 'added again as a new job'} on ${r.queue} (job ${r.jobId}).`,
        );
        router.refresh();
      },
    }),
  );
  return (
    <>
      <button
        type="button"
        onClick={() => replay.mutate({ id })}
        disabled={replay.isPending}
        aria-label={`Replay dead letter ${id}`}
      >
        {replay.isPending ? 'Replaying…' : 'Replay'}
      </button>
      {replay.error ? (
        <p role="alert" className="error">
          {replay.error.message}
        </p>
      ) : null}
    </>
  );
}
