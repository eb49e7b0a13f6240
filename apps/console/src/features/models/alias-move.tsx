'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState } from 'react';
import { useSayStatus } from '@/components/page-status';
import { useTRPC } from '@/components/trpc';
import { useLastFailure } from './use-last-failure';

type TAlias = 'production' | 'shadow';
type TProps =
  | {
      kind: 'promote';
      version: string;
      current: Record<TAlias, string | null>;
      /** Moves only this alias (no choice in the dialog), e.g. production from the shadow page. */
      alias?: TAlias;
      /** The button's text and accessible name, where "Promote…" beside a version would not say enough. */
      label?: string;
    }
  | { kind: 'rollback'; alias: TAlias; from: string; to: string };

/**
 * Promote or roll back, confirmed in a dialog that names the move (alias: from → to) and asks why. The
 * server refuses the move if the alias moved since this page was drawn, so nobody confirms a stale picture.
 * A move of production stops a running experiment (it sends every session to its variants, so production
 * answers no one while it runs): the dialog says so before confirming, and the server refuses if another
 * experiment is running than the one it named.
 */
export function AliasMove(props: TProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const [alias, setAlias] = useState<TAlias>(props.alias ?? 'production');
  const [reason, setReason] = useState('');
  const announce = useSayStatus();
  // The running experiment, as the replicas panel reads it (the same cached query, polled there); asked
  // again when the dialog opens, so the warning is about now.
  const serving = useQuery(trpc.models.replicas.queryOptions());
  const experiment = serving.data?.experiment ?? null;
  const onSuccess = (m: { headline: string; announced: boolean }) => {
    dialog.current?.close();
    setReason('');
    // The headline is the CLI's line too (moveHeadline): the move, and any experiment it stopped.
    announce(
      `${m.headline}. ${
        m.announced
          ? 'Announced to serving: each running replica swaps within seconds (Serving replicas shows which version each one runs).'
          : 'Redis did not answer: running replicas pick it up on their next registry poll.'
      }`,
    );
    router.refresh();
  };
  const promote = useMutation(trpc.models.promote.mutationOptions({ onSuccess }));
  const rollback = useMutation(trpc.models.rollback.mutationOptions({ onSuccess }));
  const move = props.kind === 'promote' ? promote : rollback;

  const from = props.kind === 'promote' ? props.current[alias] : props.from;
  const to = props.kind === 'promote' ? props.version : props.to;
  const label =
    props.kind === 'promote' ? (props.label ?? `Promote ${props.version}…`) : `Roll back ${props.alias}…`;
  const stops = alias === 'production' && from !== to ? experiment : null;
  // The latest read failed: the answer kept from before (if any) may be stale. Said as a failure with a
  // retry, not as "Checking…", which would promise an answer that is not coming.
  const checkFailed = useLastFailure(serving);
  const failed = alias === 'production' && checkFailed !== null;
  // Unknown until the replicas query answers, or after a failure: confirming then could stop an experiment
  // nobody was told of, so Confirm waits.
  const unchecked = alias === 'production' && (serving.data === undefined || failed);
  const checking = unchecked && !failed;
  const [rechecking, setRechecking] = useState(false);
  const recheck = async () => {
    setRechecking(true);
    await serving.refetch();
    setRechecking(false);
  };
  const submit = () => {
    if (unchecked) return;
    const common = { alias, reason, expectedFrom: from, expectedExperiment: stops };
    if (props.kind === 'promote') promote.mutate({ ...common, version: props.version });
    else rollback.mutate(common);
  };

  // Promote has nowhere to move when the alias (or, with a choice, both aliases) already points at the version.
  const disabled =
    props.kind === 'promote' &&
    (props.alias
      ? props.current[props.alias] === props.version
      : props.current.production === props.version && props.current.shadow === props.version);
  const disabledReason =
    props.kind === 'promote' && disabled
      ? props.alias
        ? `${props.alias} already runs ${props.version}: nothing to promote.`
        : `production and shadow already run ${props.version}: nothing to promote.`
      : null;

  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-label={label}
        disabled={disabled}
        aria-describedby={disabledReason ? `${ids}-why-disabled` : undefined}
        onClick={() => {
          move.reset();
          void serving.refetch();
          dialog.current?.showModal();
        }}
      >
        {props.kind === 'promote' ? (props.label ?? 'Promote…') : 'Roll back…'}
      </button>
      {disabledReason ? (
        <span id={`${ids}-why-disabled`} className="muted" data-testid="promote-disabled-reason">
          {' '}
          {disabledReason}
        </span>
      ) : null}
      <dialog ref={dialog} className="card move-dialog" aria-labelledby={`${ids}-title`}>
        <form
          method="dialog"
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <h2 id={`${ids}-title`}>{props.kind === 'promote' ? 'Promote a version' : 'Roll back an alias'}</h2>
          {props.kind === 'promote' && !props.alias ? (
            <label>
              Alias
              <select value={alias} onChange={(e) => setAlias(e.target.value as TAlias)}>
                <option value="production">production (answers customers)</option>
                <option value="shadow">shadow (scored beside production, answers no one)</option>
              </select>
            </label>
          ) : null}
          <p className="move-summary" data-testid="move-summary">
            <strong>{alias}</strong>: {from ?? '(none)'} → <strong>{to}</strong>
          </p>
          {from === to ? (
            <p className="muted">
              {alias} already points at {to}: nothing would move.
            </p>
          ) : null}
          {stops ? (
            <p className="warning-text" data-testid="move-stops-experiment">
              Experiment {stops} is running and sends all traffic to its variants: this will stop it.
            </p>
          ) : null}
          {checking ? <p className="muted">Checking whether an experiment is running…</p> : null}
          {failed ? (
            <div role="alert" className="error" data-testid="move-experiment-check-failed">
              <p>
                Could not check whether an experiment is running ({checkFailed}). Moving production stops a
                running experiment, so this move waits until the check works.
              </p>
              {/* Not serving.isFetching: the replicas panel polls the same query every 2 s, so it is
                  nearly always fetching while reads fail, and the button would never be pressable. */}
              <button
                type="button"
                className="secondary"
                disabled={rechecking}
                onClick={() => void recheck()}
              >
                {rechecking ? 'Checking again…' : 'Check again'}
              </button>
            </div>
          ) : null}
          <label>
            Why (kept in the alias history)
            <textarea
              required
              minLength={3}
              maxLength={500}
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (
                  e.key === 'Enter' &&
                  (e.ctrlKey || e.metaKey) &&
                  reason.trim().length >= 3 &&
                  from !== to &&
                  !unchecked
                )
                  submit();
              }}
            />
          </label>
          <p className="muted">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> confirms, <kbd>Esc</kbd> cancels.
          </p>
          {move.error ? (
            <p role="alert" className="error">
              {move.error.message}
            </p>
          ) : null}
          <div className="row actions">
            <button
              type="submit"
              disabled={move.isPending || reason.trim().length < 3 || from === to || unchecked}
            >
              {move.isPending ? 'Moving…' : `Confirm: ${alias} → ${to}`}
            </button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
