'use client';
import type { TReviewFilters } from '@acsa/pipelines/review/types';
import { REVIEW_REASONS } from '@acsa/pipelines/review/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRef, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { useTRPC } from '@/components/trpc';
import { filtersToSearch, REASON_LABELS } from './filters';

/** Rows the inbox shows; labeling goes through all of them, most uncertain first. */
const PAGE = 100;

type TProps = {
  initial: TReviewFilters;
  /** The name of `initial`'s version, '' for any. */
  initialVersion: string;
  counts: Record<string, number>;
  intents: string[];
  /** The latest versions, the Model version field's suggestions: it takes any other by its name. */
  versions: { id: string; version: string }[];
};

export function ReviewInbox({ initial, initialVersion, counts, intents, versions }: TProps) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [filters, setFilters] = useState(initial);
  const [versionText, setVersionText] = useState(initialVersion);
  const [applied, setApplied] = useState(initialVersion);
  const [versionError, setVersionError] = useState<string | null>(null);
  /** The name asked for last: an answer about an earlier one, arriving after, is dropped. */
  const latest = useRef('');
  /** The typed name as the filter: a suggestion's at once, any other as the server finds it, or refuses. */
  const applyVersion = async (text: string) => {
    const name = text.trim();
    if (name === applied && !versionError) return;
    latest.current = name;
    setVersionError(null);
    const suggested = versions.find((v) => v.version === name);
    try {
      const found = name
        ? (suggested ?? (await qc.fetchQuery(trpc.review.modelVersion.queryOptions({ version: name }))))
        : null;
      if (latest.current !== name) return;
      const id = found?.id ?? null;
      setApplied(name);
      setFilters((f) => ({ ...f, modelVersionId: id }));
    } catch (e) {
      if (latest.current === name) setVersionError(`Model version: ${(e as Error).message}`);
    }
  };
  // One row past the page says whether the page is all there is.
  const inbox = useQuery(trpc.review.inbox.queryOptions({ filters, limit: PAGE + 1 }));
  // While the typed version is refused, the turns below would read as that version's: none are shown.
  const rows = versionError ? undefined : inbox.data?.slice(0, PAGE);
  const more = (inbox.data?.length ?? 0) > PAGE;
  const toggle = (r: (typeof REVIEW_REASONS)[number]) =>
    setFilters((f) => ({
      ...f,
      reasons: f.reasons.includes(r) ? f.reasons.filter((x) => x !== r) : [...f.reasons, r],
    }));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  // The counts are per reason: they say how many match only while no intent or version narrows the list.
  const matching =
    filters.intent || filters.modelVersionId
      ? null
      : filters.reasons.length
        ? filters.reasons.reduce((n, r) => n + (counts[r] ?? 0), 0)
        : total;

  return (
    <>
      <div className="row card filters">
        <fieldset className="chips">
          <legend>Reason</legend>
          {REVIEW_REASONS.filter((r) => r !== 'SAMPLE').map((r) => (
            <label key={r} className="chip">
              <input type="checkbox" checked={filters.reasons.includes(r)} onChange={() => toggle(r)} />
              {REASON_LABELS[r]} <span className="muted">{counts[r] ?? 0}</span>
            </label>
          ))}
        </fieldset>
        <label>
          Predicted intent
          <select
            value={filters.intent ?? ''}
            onChange={(e) => setFilters((f) => ({ ...f, intent: e.target.value || null }))}
          >
            <option value="">Any intent</option>
            {intents.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
        </label>
        <div className="field">
          <label>
            Model version
            <input
              value={versionText}
              placeholder="Any version"
              list="review-versions"
              size={28}
              maxLength={200}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={versionError ? true : undefined}
              aria-describedby={versionError ? 'review-version-error' : undefined}
              onChange={(e) => {
                setVersionText(e.target.value);
                // A suggestion picked, or the field cleared: at once. A name being typed: on Enter or leaving.
                const v = e.target.value.trim();
                if (!v || versions.some((s) => s.version === v)) void applyVersion(v);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void applyVersion(versionText);
              }}
              onBlur={() => void applyVersion(versionText)}
            />
          </label>
          <datalist id="review-versions">
            {versions.map((v) => (
              <option key={v.id} value={v.version} />
            ))}
          </datalist>
          {versionError ? (
            <small id="review-version-error" role="alert" className="error">
              {versionError}
            </small>
          ) : null}
        </div>
        {versionError ? null : (
          <Link className="button" href={`/review/label${filtersToSearch(filters)}`}>
            Start labeling
          </Link>
        )}
      </div>
      {inbox.isPending && !versionError ? <p aria-busy="true">Loading the inbox…</p> : null}
      {inbox.isError && !versionError ? (
        <p role="alert" className="error">
          The inbox could not be loaded: {inbox.error.message}
        </p>
      ) : null}
      {rows?.length === 0 ? (
        <EmptyState title={total === 0 ? 'Nothing to review' : 'No turns match these filters'}>
          {total === 0
            ? 'Turns arrive here when the agent is unsure or out of its depth, a customer gives negative feedback, or a conversation is escalated.'
            : 'Clear a filter to see the other turns waiting for labels.'}
        </EmptyState>
      ) : null}
      {rows?.length ? (
        <table>
          <caption className="muted" data-testid="inbox-caption">
            {matching !== null
              ? `${rows.length} of ${matching} waiting, most uncertain first`
              : more
                ? `The ${PAGE} most uncertain of those matching: narrow the filters, or start labeling, to reach the rest`
                : `${rows.length} waiting, most uncertain first`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Uncertainty</th>
              <th scope="col">Turn</th>
              <th scope="col">Prediction</th>
              <th scope="col">Reason</th>
              <th scope="col">Model</th>
              <th scope="col">Labels given / needed</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{Math.round(r.priority * 100)} %</td>
                <td>{r.text}</td>
                <td>
                  {r.intent ?? '—'}
                  {r.confidence != null ? `, ${Math.round(r.confidence * 100)} % confident` : ''}
                </td>
                <td>{REASON_LABELS[r.reason as keyof typeof REASON_LABELS] ?? r.reason}</td>
                <td>{r.modelVersion ?? '—'}</td>
                <td>
                  {r.labels}/{r.requiredLabels}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
