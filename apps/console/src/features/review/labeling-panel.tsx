'use client';
import type { TEntitySpan, TLabelTask, TReviewFilters } from '@acsa/pipelines/review/types';
import { useEffect, useRef, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { Transcript } from '@/components/transcript';
import { REASON_LABELS } from './filters';
import { IntentSearch } from './intent-search';
import { ENTITY_KEYS, keyAction, OUT_OF_SCOPE_INTENT } from './keyboard-map';
import { RECHECK_MS, useLabelQueue } from './use-label-queue';
import { selectionIn, Utterance } from './utterance';

declare global {
  interface Window {
    /** Milliseconds from each keypress that moved on to the next turn being on screen (read by the e2e suite). */
    __acsaLabelTimings?: number[];
  }
}

export function LabelingPanel({ filters, intents }: { filters: TReviewFilters; intents: string[] }) {
  const q = useLabelQueue(filters);
  const task = q.current;
  // Choices belong to one turn: derived with its id, so a key pressed the instant a new turn appears can
  // never be overwritten by the next turn's pre-fill.
  const [choice, setChoice] = useState<{ id: string; intent: string | null } | null>(null);
  const [spans, setSpans] = useState<{ id: string; list: TEntitySpan[] } | null>(null);
  const id = task?.reviewItemId ?? '';
  // A turn whose save was refused comes back with what the reviewer had chosen (its draft).
  const picked =
    choice?.id === id ? choice.intent : (task?.draft?.intent ?? task?.suggestions[0]?.intent ?? null);
  const entities = spans?.id === id ? spans.list : (task?.draft?.entities ?? task?.entities ?? []);
  const setPicked = (intent: string | null) => setChoice({ id, intent });
  const setEntities = (update: (list: TEntitySpan[]) => TEntitySpan[]) =>
    setSpans({ id, list: update(entities) });
  const [searching, setSearching] = useState(false);
  const utterance = useRef<HTMLParagraphElement>(null);
  const suggestionList = useRef<HTMLOListElement>(null);
  const suggestionButton = (index: number) =>
    suggestionList.current?.querySelector<HTMLButtonElement>(`[data-suggestion-index="${index}"]`);
  const pressedAt = useRef<number | null>(null);

  // A new turn on screen: time the move from the keypress.
  useEffect(() => {
    if (pressedAt.current !== null && task) {
      const started = pressedAt.current;
      requestAnimationFrame(() => {
        window.__acsaLabelTimings = [...(window.__acsaLabelTimings ?? []), performance.now() - started];
      });
      pressedAt.current = null;
    }
  }, [task]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (searching || (e.target as HTMLElement).closest('input, textarea, select')) return;
      if (!task) {
        // With nothing left on screen, z still takes back the last label.
        if (e.key === 'z' && !e.ctrlKey && !e.metaKey && !e.altKey) q.undo();
        return;
      }
      const span = selectionIn(utterance.current, task.text);
      const control = (e.target as HTMLElement).closest?.('button, a[href], summary, [role=button]');
      const suggestion = control?.getAttribute('data-suggestion-index');
      const focus = suggestion ? { suggestion: Number(suggestion) } : control ? ('control' as const) : null;
      const action = keyAction(e, {
        suggestions: task.suggestions.length,
        hasSelection: span !== null,
        focus,
      });
      if (!action) return;
      e.preventDefault();
      const moving = action.kind === 'accept' || action.kind === 'skip' || action.kind === 'out-of-scope';
      if (moving || action.kind === 'undo') pressedAt.current = performance.now();
      if (action.kind === 'pick') {
        setPicked(task.suggestions[action.index]?.intent ?? null);
        // Focus follows the pick: left on the suggestion clicked before, Enter saved that one while the
        // page showed this one as the label.
        suggestionButton(action.index)?.focus();
      } else if (action.kind === 'accept' && action.index !== undefined) {
        const intent = task.suggestions[action.index]?.intent;
        if (intent) q.label(intent, entities);
      } else if (action.kind === 'accept' && picked) q.label(picked, entities);
      else if (action.kind === 'out-of-scope') q.label(OUT_OF_SCOPE_INTENT, entities);
      else if (action.kind === 'skip') q.skip();
      else if (action.kind === 'undo') q.undo();
      else if (action.kind === 'search') setSearching(true);
      else if (action.kind === 'entity' && span) {
        setEntities((list) => [
          ...list.filter((x) => x.end <= span.start || x.start >= span.end),
          { type: action.type, value: span.text, start: span.start, end: span.end },
        ]);
        window.getSelection()?.removeAllRanges();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (q.loading && !task) return <p aria-busy="true">Loading turns to label…</p>;
  return (
    <div className="labeling">
      {q.errors.length ? (
        <div role="alert" className="error">
          {q.errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
      <p className="muted" aria-live="polite">
        {q.done} labeled this session · {q.queued} ready ·{' '}
        <span data-testid="saving">{q.saving ? `saving ${q.saving}…` : 'all saved'}</span>
      </p>
      {!task && q.loadFailed ? (
        <EmptyState title="Turns could not be loaded">
          The error is above; this page tries again every {RECHECK_MS / 1000} s. Press z to take back your
          last label.
        </EmptyState>
      ) : !task ? (
        <EmptyState title="Nothing left to label">
          New turns arrive when the agent is unsure, a customer gives negative feedback, or a conversation is
          escalated; this page looks for them every {RECHECK_MS / 1000} s. Press z to take back your last
          label.
        </EmptyState>
      ) : (
        <TaskView
          task={task}
          picked={picked}
          entities={entities}
          utterance={utterance}
          suggestionList={suggestionList}
          onPick={setPicked}
          onRemoveEntity={(i) => setEntities((list) => list.filter((_, j) => j !== i))}
        />
      )}
      {searching ? (
        <IntentSearch
          intents={intents}
          onChoose={(intent) => {
            setPicked(intent);
            setSearching(false);
          }}
          onClose={() => setSearching(false)}
        />
      ) : null}
      <KeyLegend />
    </div>
  );
}

type TTaskProps = {
  task: TLabelTask;
  picked: string | null;
  entities: TEntitySpan[];
  utterance: React.RefObject<HTMLParagraphElement | null>;
  suggestionList: React.RefObject<HTMLOListElement | null>;
  onPick: (intent: string) => void;
  onRemoveEntity: (index: number) => void;
};

function TaskView({ task, picked, entities, utterance, suggestionList, onPick, onRemoveEntity }: TTaskProps) {
  const p = task.prediction;
  return (
    <section className="card task" aria-label="Turn to label" data-review-item={task.reviewItemId}>
      <p className="muted">
        <span className="badge">
          {REASON_LABELS[task.reason as keyof typeof REASON_LABELS] ?? task.reason}
        </span>{' '}
        uncertainty {Math.round(task.priority * 100)} % · model {p.modelVersion ?? 'unknown'}
        {p.variant ? ` (${p.variant})` : ''}
      </p>
      <Utterance text={task.text} entities={entities} innerRef={utterance} onRemove={onRemoveEntity} />
      {/* Enter on a focused suggestion saves that suggestion, so what has focus must be what the page shows
          picked: focusing one (Tab or click) picks it, and each turn's buttons are new (keyed by the turn), so
          a button focused on the last turn cannot carry focus, and Enter, past the next turn's pre-fill. */}
      <ol
        key={task.reviewItemId}
        ref={suggestionList}
        className="suggestions"
        aria-label="The model's suggestions"
      >
        {task.suggestions.map((s, i) => (
          <li key={s.intent}>
            <button
              type="button"
              className={s.intent === picked ? 'suggestion picked' : 'suggestion'}
              aria-pressed={s.intent === picked}
              data-suggestion-index={i}
              onClick={() => onPick(s.intent)}
              onFocus={() => onPick(s.intent)}
            >
              <kbd>{i + 1}</kbd> {s.intent}
              <span className="bar" style={{ width: `${Math.round(s.p * 100)}%` }} />
              <span className="pct">{Math.round(s.p * 100)} %</span>
            </button>
          </li>
        ))}
      </ol>
      <p>
        Label: <strong data-testid="picked">{picked ?? 'none — press / to search'}</strong>{' '}
        <span className="muted">(Enter saves it)</span>
      </p>
      <details open>
        <summary>Conversation around this turn</summary>
        <Transcript
          turns={task.context.map((c) => ({ ...c, intent: null, confidence: null }))}
          highlight={task.seq}
        />
      </details>
    </section>
  );
}

/** A key and what it does, never split across lines. */
const Key = ({ k, children }: { k: string; children: string }) => (
  <span style={{ whiteSpace: 'nowrap' }}>
    <kbd>{k}</kbd> {children}
  </span>
);

function KeyLegend() {
  return (
    <aside className="legend" aria-label="Keyboard">
      <span style={{ whiteSpace: 'nowrap' }}>
        <kbd>1</kbd>–<kbd>9</kbd> pick
      </span>{' '}
      · <Key k="Enter">accept</Key> · <Key k="/">search intents</Key> · <Key k="s">skip</Key> ·{' '}
      <Key k="o">out of scope</Key> · <Key k="z">undo</Key> · select text, then{' '}
      {Object.entries(ENTITY_KEYS).map(([k, t], i) => (
        <span key={k}>
          {i > 0 ? ', ' : ''}
          <Key k={k}>{t}</Key>
        </span>
      ))}
    </aside>
  );
}
