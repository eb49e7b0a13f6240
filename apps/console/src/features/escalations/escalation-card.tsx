'use client';
import type { TEscalationView } from '@acsa/pipelines/escalations';
import { useEffect, useRef, useState } from 'react';
import { ConversationLink } from './conversation-link';
import { EscalationDetails } from './escalation-details';
import { asWords, customerLabel } from './escalation-words';

type TProps = {
  escalation: TEscalationView;
  mine: boolean;
  busy: boolean;
  onTake: () => void;
  onResolve: (note: string) => void;
  onHandBack: () => void;
};

/** An open or taken escalation, in full: the person working it needs everything at once. */
export function EscalationCard({ escalation: e, mine, busy, onTake, onResolve, onHandBack }: TProps) {
  const [note, setNote] = useState('');
  // Taken here: the note it needs next has focus (it was left on the page's body, the Take button gone).
  const took = useRef(false);
  const noteInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (mine && took.current) noteInput.current?.focus();
    took.current = false;
  }, [mine]);
  const waited = Math.round((Date.now() - new Date(e.createdAt).getTime()) / 60_000);
  return (
    <article className="card" aria-labelledby={`esc-${e.id}`}>
      <header className="row">
        <h2 id={`esc-${e.id}`} className="h3" tabIndex={-1}>
          {customerLabel(e)}
          <span className="badge">{asWords(e.reason).toLowerCase()}</span>
          <span className={`badge status-${e.status.toLowerCase()}`}>
            {e.status === 'ASSIGNED' ? `taken by ${mine ? 'you' : e.assignee?.name}` : e.status.toLowerCase()}
          </span>
        </h2>
        <span className="muted">
          {`waiting ${waited < 60 ? `${waited} min` : `${Math.round(waited / 60)} h`}`} ·{' '}
          <ConversationLink escalation={e} />
        </span>
      </header>
      <EscalationDetails escalation={e} open={mine} />
      {mine ? (
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
              ref={noteInput}
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
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            took.current = true;
            onTake();
          }}
        >
          Take
        </button>
      ) : null}
    </article>
  );
}
