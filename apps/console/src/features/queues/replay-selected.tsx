'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useSayStatus } from '@/components/page-status';
import { useTRPC } from '@/components/trpc';

const checkedIn = (form: HTMLFormElement) =>
  new FormData(form).getAll('letter').filter((v): v is string => typeof v === 'string');

/**
 * "Replay selected": replays every letter ticked in the form `formId` in one request. Each is replayed and
 * audited on its own, so the status line says which failed and why while the others went through.
 */
export function ReplaySelected({ formId }: { formId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const say = useSayStatus();
  const [selected, setSelected] = useState<string[]>([]);
  useEffect(() => {
    const form = document.getElementById(formId);
    if (!(form instanceof HTMLFormElement)) return;
    const update = () => setSelected(checkedIn(form));
    update();
    form.addEventListener('change', update);
    return () => form.removeEventListener('change', update);
  }, [formId]);
  const replay = useMutation(
    trpc.queues.replayDeadLetters.mutationOptions({
      onSuccess: (r) => {
        const failed = r.failed.map((f) => `${f.id} (${f.error})`).join('; ');
        const unrecorded = r.replayed.filter((x) => x.unrecorded).map((x) => x.id);
        say(
          `Replayed ${r.replayed.length} of ${r.replayed.length + r.failed.length} dead letters.${failed ? ` Failed: ${failed}.` : ''}${unrecorded.length ? ` Replayed but missing from the audit log (tell an admin): ${unrecorded.join(', ')}.` : ''}`,
        );
        setSelected([]);
        router.refresh();
      },
    }),
  );
  return (
    <>
      <button
        type="button"
        disabled={replay.isPending || selected.length === 0}
        onClick={() => replay.mutate({ ids: selected })}
      >
        {replay.isPending ? 'Replaying…' : `Replay selected (${selected.length})`}
      </button>
      {replay.error ? (
        <p role="alert" className="error">
          {replay.error.message}
        </p>
      ) : null}
    </>
  );
}
