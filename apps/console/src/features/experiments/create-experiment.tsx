'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc';
import type { TFieldIssue } from '@/server/error-shape';
import { metricWithWinner, PRIMARY_METRIC, type TPrimaryMetric } from './metric-labels';

const METRICS = Object.keys(PRIMARY_METRIC) as TPrimaryMetric[];

/** The form's fields as its labels name them; the server names them by their input key. */
const FIELD = {
  name: 'Name',
  challenger: 'Challenger',
  treatmentWeight: 'Challenger share',
  primaryMetric: 'Primary metric',
  autoPromote: 'Promote automatically',
} as const;
type TField = keyof typeof FIELD;
const isField = (field: string | undefined): field is TField => !!field && Object.hasOwn(FIELD, field);

/**
 * The server's message with each field named as its label here: "Name: lower-case letters…". Refused input
 * comes as issues (field and message apart); an operation's refusal of one field ("no model version …") is
 * named by that field too; any other error's message is shown as it is.
 */
const errorText = (e: {
  message: string;
  data?: { field?: string | undefined; issues?: TFieldIssue[] | undefined } | null;
}) => {
  const label = (field: string) => (isField(field) ? FIELD[field] : field);
  if (e.data?.issues)
    return e.data.issues.map((i) => (i.field ? `${label(i.field)}: ${i.message}` : i.message)).join('; ');
  return e.data?.field ? `${label(e.data.field)}: ${e.message}` : e.message;
};

/**
 * Starts an A/B test of a registered version against production: weights, primary metric, autoPromote. The
 * challenger is any registered version by its name, checked by the server (an unknown one is named under
 * the field): `challengers` are suggestions only, the latest, so an older version is typed, not missing.
 */
export function CreateExperiment(props: {
  production: string | null;
  challengers: { id: string; version: string }[];
  running: string | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState('');
  const [challenger, setChallenger] = useState(props.challengers[0]?.version ?? '');
  const [share, setShare] = useState(20);
  const [metric, setMetric] = useState<TPrimaryMetric>('escalation_rate');
  const [autoPromote, setAutoPromote] = useState(false);
  // The server refuses it too (ZCreateExperiment); said here before anyone presses Start.
  const accuracyAuto = autoPromote && metric === 'accuracy';
  const create = useMutation(
    trpc.experiments.create.mutationOptions({
      onSuccess: () => {
        setName('');
        router.refresh();
      },
    }),
  );
  const errorField = create.error?.data?.field;
  const fieldOfError = isField(errorField) ? errorField : null;
  const message = create.error ? errorText(create.error) : null;
  // One at a time: while one runs, the form would only be a disabled button's worth of fields.
  if (props.running)
    return (
      <section className="card" aria-label="New experiment">
        <h2>New experiment</h2>
        <p className="muted">{props.running} is running: stop or conclude it first (one at a time).</p>
      </section>
    );
  if (!props.production)
    return (
      <p className="muted">Nothing is in production yet: promote a version before testing against it.</p>
    );
  return (
    <form
      className="card"
      aria-label="New experiment"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({
          name,
          challenger,
          treatmentWeight: share / 100,
          primaryMetric: metric,
          autoPromote,
        });
      }}
    >
      <h2>New experiment</h2>
      <p className="muted">
        Control is production ({props.production}). Guardrails are always on: a challenger significantly worse
        on escalation rate or on feedback (fewer positive, more negative) is rolled back, whatever the primary
        metric says.
      </p>
      {/* Tops aligned: a field's error or hint below it must not lift its input above its neighbours'. */}
      <div className="row actions top">
        <div className="field">
          <label>
            Name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="faq-v7-vs-prod"
              required
              aria-invalid={fieldOfError === 'name' || undefined}
              aria-describedby={fieldOfError === 'name' ? 'new-experiment-name-error' : undefined}
            />
          </label>
          {fieldOfError === 'name' ? (
            <small id="new-experiment-name-error" role="alert" className="error">
              {message}
            </small>
          ) : null}
        </div>
        <div className="field">
          <label>
            Challenger
            <input
              value={challenger}
              onChange={(e) => setChallenger(e.target.value)}
              list="new-experiment-challengers"
              required
              size={28}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={fieldOfError === 'challenger' || undefined}
              aria-describedby={fieldOfError === 'challenger' ? 'new-experiment-challenger-error' : undefined}
            />
          </label>
          <datalist id="new-experiment-challengers">
            {props.challengers.map((v) => (
              <option key={v.id} value={v.version} />
            ))}
          </datalist>
          {fieldOfError === 'challenger' ? (
            <small id="new-experiment-challenger-error" role="alert" className="error">
              {message}
            </small>
          ) : null}
        </div>
        <label>
          Challenger share (%)
          <input
            type="number"
            min={1}
            max={99}
            value={share}
            onChange={(e) => setShare(Number(e.target.value))}
          />
          <small className="hint">control keeps {100 - share} %</small>
        </label>
      </div>
      <div className="row actions">
        <label>
          Primary metric
          <select value={metric} onChange={(e) => setMetric(e.target.value as TPrimaryMetric)}>
            {METRICS.map((value) => (
              <option key={value} value={value}>
                {metricWithWinner(PRIMARY_METRIC[value])}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={autoPromote} onChange={(e) => setAutoPromote(e.target.checked)} />{' '}
          Promote automatically when it wins
        </label>
        <button type="submit" disabled={create.isPending || !challenger.trim() || accuracyAuto}>
          Start experiment
        </button>
      </div>
      {accuracyAuto ? (
        <p className="warning-text" data-testid="accuracy-auto-promote">
          Accuracy cannot promote automatically: each variant's reviewed turns are the ones its own model sent
          to review, so the accuracies compare different turns. Choose another primary metric, or leave
          promotion to a person.
        </p>
      ) : null}
      {message && fieldOfError !== 'name' && fieldOfError !== 'challenger' ? (
        <p role="alert" className="error">
          {message}
        </p>
      ) : null}
    </form>
  );
}
