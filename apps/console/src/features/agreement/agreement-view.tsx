'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { EmptyState } from '@/components/empty-state';
import { useTRPC } from '@/components/trpc';

const fmt = (x: number | null) => (x == null ? 'n/a' : x.toFixed(2));

export function AgreementView({ intents }: { intents: string[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const report = useQuery(trpc.agreement.report.queryOptions());
  const list = useQuery(trpc.agreement.adjudicationList.queryOptions());
  const decide = useMutation(
    trpc.agreement.adjudicate.mutationOptions({
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.agreement.adjudicationList.queryKey() }),
    }),
  );
  const r = report.data;
  return (
    <>
      <OverlapSetting />
      <section aria-labelledby="agreement-h">
        <h2 id="agreement-h">Reviewer agreement</h2>
        {!r ? (
          <p aria-busy="true">Computing agreement…</p>
        ) : r.items === 0 ? (
          <EmptyState title="No overlap turns labeled twice yet">
            The overlap share of new review items needs two labels from different reviewers; agreement appears
            here once both have labeled some.
          </EmptyState>
        ) : (
          <>
            <p>
              Overall Krippendorff's α <strong data-testid="alpha">{fmt(r.alpha)}</strong> over {r.items}{' '}
              turns labeled by two or more reviewers.
            </p>
            <p className="muted" data-testid="agreement-scale">
              α and κ are 1 when reviewers always give the same label and 0 when they agree no more than
              chance would; below 0 they disagree more than chance. 0.8 or more is reliable, 0.667 to 0.8
              tentative, below that too low to trust the labels (Krippendorff's thresholds).
            </p>
            <table>
              <caption className="muted">Cohen's κ per pair of reviewers</caption>
              <thead>
                <tr>
                  <th scope="col">Reviewers</th>
                  <th scope="col">Turns both labeled</th>
                  <th scope="col">Same label</th>
                  <th scope="col">Cohen's κ</th>
                </tr>
              </thead>
              <tbody>
                {r.pairs.map((p) => (
                  <tr key={`${p.a}-${p.b}`}>
                    <td>
                      {p.a} · {p.b}
                    </td>
                    <td>{p.items}</td>
                    <td>{Math.round(p.observed * 100)} %</td>
                    <td data-testid="kappa">{fmt(p.kappa)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table>
              <caption className="muted">
                Per intent: how often the second reviewer also chose it (positive specific agreement)
              </caption>
              <thead>
                <tr>
                  <th scope="col">Intent</th>
                  <th scope="col">Label pairs involving it</th>
                  <th scope="col">Agreement</th>
                </tr>
              </thead>
              <tbody>
                {r.intents.map((i) => (
                  <tr key={i.intent}>
                    <td>{i.intent}</td>
                    <td>{i.pairs}</td>
                    <td>{Math.round(i.agreement * 100)} %</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section aria-labelledby="adjudication-h">
        <h2 id="adjudication-h">Adjudication</h2>
        {decide.error ? (
          <p role="alert" className="error">
            {decide.error.message}
          </p>
        ) : null}
        {list.data?.items.length === 0 ? (
          <EmptyState title="No disagreements to decide">
            When two reviewers label an overlap turn differently, it waits here for an engineer's final label.
          </EmptyState>
        ) : null}
        {list.data?.more ? (
          <p className="muted" data-testid="adjudication-shown">
            The {list.data.items.length} that have waited longest; more wait behind them and come here as
            these are decided.
          </p>
        ) : null}
        <ol className="stack">
          {list.data?.items.map((item) => (
            <li key={item.id} className="card" aria-label={`Disagreement on: ${item.message.text}`}>
              <p className="utterance">{item.message.text}</p>
              <p className="muted">
                Model: {item.message.intent ?? '—'}
                {item.message.confidence != null
                  ? `, ${Math.round(item.message.confidence * 100)} % confident`
                  : ''}
              </p>
              <div className="row actions">
                {[...new Set(item.labels.map((l) => l.intent))].map((intent) => (
                  <button
                    key={intent}
                    type="button"
                    disabled={decide.isPending}
                    onClick={() => decide.mutate({ reviewItemId: item.id, intent })}
                  >
                    {intent} (
                    {item.labels
                      .filter((l) => l.intent === intent)
                      .map((l) => l.user.name)
                      .join(', ')}
                    )
                  </button>
                ))}
                <form
                  className="row"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const intent = String(new FormData(e.currentTarget).get('intent') ?? '');
                    if (intent) decide.mutate({ reviewItemId: item.id, intent });
                  }}
                >
                  <label>
                    Or another intent
                    <select name="intent" defaultValue="">
                      <option value="">Choose…</option>
                      {intents.map((i) => (
                        <option key={i}>{i}</option>
                      ))}
                    </select>
                  </label>
                  <button type="submit" className="secondary" disabled={decide.isPending}>
                    Decide
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** The share of new review items that need two labels: shown, and changed here (audited). */
function OverlapSetting() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const settings = useQuery(trpc.agreement.settings.queryOptions());
  const ids = useId();
  const save = useMutation(
    trpc.agreement.updateSettings.mutationOptions({
      onSuccess: (data) => qc.setQueryData(trpc.agreement.settings.queryKey(), data),
    }),
  );
  const share = settings.data ? Math.round(settings.data.overlapShare * 100) : null;
  return (
    <section aria-labelledby="overlap-h">
      <h2 id="overlap-h">Overlap</h2>
      {share === null ? (
        <p aria-busy="true">Reading the setting…</p>
      ) : (
        <form
          className="field"
          key={share}
          onSubmit={(e) => {
            e.preventDefault();
            const percent = Number(new FormData(e.currentTarget).get('share'));
            save.mutate({ overlapShare: percent / 100 });
          }}
        >
          <label htmlFor={`${ids}-share`}>Share of new review items labeled by two reviewers (%)</label>
          {/* The input and its Save side by side: the label's width would push Save far from what it saves. */}
          <div className="row actions">
            <input
              id={`${ids}-share`}
              name="share"
              type="number"
              min={0}
              max={100}
              step={1}
              required
              style={{ width: '8rem' }}
              defaultValue={share}
              data-testid="overlap-share"
            />
            <button type="submit" disabled={save.isPending}>
              Save
            </button>
            {save.isSuccess ? (
              <output className="muted">Saved: {share} % of new items from now on.</output>
            ) : null}
          </div>
          {save.error ? (
            <p role="alert" className="error">
              {save.error.message}
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}
