'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useSayStatus } from '@/components/page-status';
import { useTRPC } from '@/components/trpc';
import { jobLabel, type TJobLabel, whyNotReplayed } from './replay-words';

const letterBoxes = (form: HTMLFormElement) => [
  ...form.querySelectorAll<HTMLInputElement>('input[type="checkbox"][name="letter"]'),
];
const checkedIn = (form: HTMLFormElement) =>
  new FormData(form).getAll('letter').filter((v): v is string => typeof v === 'string');

type TProps = {
  formId: string;
  /** Every letter the form lists, to name each ticked one in what the page says. */
  letters: (TJobLabel & { id: string })[];
};

/**
 * "Replay selected": replays every letter ticked in the form `formId` in one request. Each is replayed and
 * audited on its own, so the status line says which failed and why while the others went through; a
 * replay with any failure is said as an alert, not as the confirmation a full one is.
 */
export function ReplaySelected({ formId, letters }: TProps) {
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
        const name = (id: string) => {
          const job = letters.find((l) => l.id === id);
          return job ? jobLabel(job) : `dead letter ${id}`;
        };
        const failed = r.failed.map((f) => `${name(f.id)}: ${whyNotReplayed(f.error)}`).join('; ');
        const replayed = r.replayed.map((x) => name(x.id)).join(', ');
        const unrecorded = r.replayed.filter((x) => x.unrecorded).map((x) => name(x.id));
        say(
          `Replayed ${r.replayed.length} of ${r.replayed.length + r.failed.length} dead letters${replayed ? `: ${replayed}` : ''}.${failed ? ` Failed: ${failed}.` : ''}${unrecorded.length ? ` Replayed but missing from the audit log (tell an admin): ${unrecorded.join(', ')}.` : ''}`,
          failed || unrecorded.length ? 'alert' : undefined,
        );
        setSelected([]);
        router.refresh();
      },
    }),
  );
  return (
    <>
      <SelectAll formId={formId} selected={selected.length} shown={letters.length} onChange={setSelected} />
      <button
        type="button"
        disabled={replay.isPending || selected.length === 0}
        onClick={() => replay.mutate({ ids: selected })}
      >
        {replay.isPending ? 'Replaying…' : `Replay selected (${selected.length})`}
      </button>
      {replay.error ? (
        <p role="alert" className="alert">
          {replay.error.message}
        </p>
      ) : null}
    </>
  );
}

type TSelectAllProps = {
  formId: string;
  selected: number;
  shown: number;
  onChange: (ids: string[]) => void;
};

/** Ticks or clears every letter the page shows; half-ticked ("mixed") while only some are. */
function SelectAll({ formId, selected, shown, onChange }: TSelectAllProps) {
  const box = useRef<HTMLInputElement>(null);
  const some = selected > 0 && selected < shown;
  useEffect(() => {
    if (box.current) box.current.indeterminate = some;
  }, [some]);
  return (
    <label className="inline">
      <input
        ref={box}
        type="checkbox"
        checked={shown > 0 && selected === shown}
        onChange={(e) => {
          const form = document.getElementById(formId);
          if (!(form instanceof HTMLFormElement)) return;
          for (const letter of letterBoxes(form)) letter.checked = e.target.checked;
          onChange(checkedIn(form));
        }}
      />
      Select all shown
    </label>
  );
}
