'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useSayStatus } from '@/components/page-status';
import { useTRPC } from '@/components/trpc';
import { howReplayed, jobLabel, type TJobLabel, whyNotReplayed } from './replay-words';

type TProps = { id: string; job: TJobLabel & { error: string } };

/** Replays one dead letter (as `acsa dlq replay ID`) and redraws the page without it. */
export function ReplayButton({ id, job }: TProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const say = useSayStatus();
  const replay = useMutation(
    trpc.queues.replayDeadLetter.mutationOptions({
      onSuccess: (r) => {
        say(
          `Replayed ${jobLabel(job)}, which had failed with “${job.error}”: ${howReplayed(r.how)}.${r.note ? ` ${r.note}.` : ''}`,
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
        // Yellow, not the red of the letter's own error below it: this is the replay that failed.
        <p role="alert" className="alert">
          Could not replay {jobLabel(job)}: {whyNotReplayed(replay.error.message)}.
        </p>
      ) : null}
    </>
  );
}
