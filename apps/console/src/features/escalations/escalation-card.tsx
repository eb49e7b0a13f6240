'use client';
import type { TEscalationView } from '@acsa/pipelines/escalations';
import { useState } from 'react';
import { utc } from '@/components/format';
import { Transcript } from '@/components/transcript';

type TProps = {
  escalation: TEscalationView;
  mine: boolean;
  busy: boolean;
  onTake: () => void;
  onResolve: (note: string) => void;
  onHandBack: () => void;
};

const pct = (p: unknown) => (typeof p === 'number' ? `${Math.round(p * 100)} %` : '');

export function EscalationCard({ escalation: e, mine, busy, onTake, onResolve, onHandBack }: TProps) {
  const [note, setNote] = useState('');
  const ctx = e.context as {
    intents?: string[];
    entities?: { type: string; value: string }[];
    topK?: { intent: string; confidence?: number; p?: number }[];
    order?: { number?: number; status?: string; total?: string } | null;
    customer?: { email?: string | null; name?: string } | null;
  };
  const waited = Math.round((Date.now() - new Date(e.createdAt).getTime()) / 60_000);
  return (
    <article className="card" aria-labelledby={`esc-${e.id}`}>
      <header className="row">
        <h2 id={`esc-${e.id}`} className="h3">
          {e.customer?.name ?? ctx.customer?.email ?? 'Anonymous customer'}
          <span className="badge">{e.reason.toLowerCase().replace('_', ' ')}</span>
          <span className={`badge status-${e.status.toLowerCase()}`}>
            {e.status === 'ASSIGNED' ? `taken by ${mine ? 'you' : e.assignee?.name}` : e.status.toLowerCase()}
          </span>
        </h2>
        <span className="muted">
          {e.resolvedAt
            ? `resolved by ${e.assignee?.name ?? 'someone'} ${utc(e.resolvedAt)}`
            : `waiting ${waited < 60 ? `${waited} min` : `${Math.round(waited / 60)} h`}`}{' '}
          · session {e.sessionId}
        </span>
      </header>
      <p>{e.summary}</p>
      <dl className="facts">
        <dt>Customer</dt>
        <dd>
          {e.customer
            ? `${e.customer.name} <${e.customer.email}>`
            : (ctx.customer?.email ?? 'not identified')}
        </dd>
        <dt>Order</dt>
        <dd>
          {ctx.order?.number
            ? `#${ctx.order.number} · ${ctx.order.status} · ${ctx.order.total}`
            : 'none named'}
        </dd>
        <dt>Intents</dt>
        <dd>
          {(ctx.topK ?? [])
            .slice(0, 3)
            .map((k) => `${k.intent} ${pct(k.confidence ?? k.p)}`)
            .join(', ') ||
            (ctx.intents ?? []).join(', ') ||
            'none'}
        </dd>
        <dt>Entities</dt>
        <dd>{(ctx.entities ?? []).map((x) => `${x.type}: ${x.value}`).join(', ') || 'none'}</dd>
      </dl>
      <details open={mine}>
        <summary>Transcript ({e.transcript.length} messages)</summary>
        <Transcript turns={e.transcript} />
      </details>
      {e.status === 'RESOLVED' ? (
        <p className="muted">Resolved: {e.resolutionNote}</p>
      ) : mine ? (
        <form
          className="row"
          onSubmit={(ev) => {
            ev.preventDefault();
            onResolve(note);
          }}
        >
          <label className="grow">
            Resolution note
            <input
              value={note}
              onChange={(ev) => setNote(ev.target.value)}
              placeholder="What you did for the customer"
              required
            />
          </label>
          <button type="submit" disabled={busy || !note.trim()}>
            Resolve
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={onHandBack}>
            Hand back
          </button>
        </form>
      ) : e.status === 'OPEN' ? (
        <button type="button" disabled={busy} onClick={onTake}>
          Take
        </button>
      ) : null}
    </article>
  );
}
