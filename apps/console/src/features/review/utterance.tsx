'use client';
import type { TEntitySpan } from '@acsa/pipelines/review/types';

/** The selected part of the turn's text, as character offsets into it, or null. */
export function selectionIn(
  el: HTMLElement | null,
  text: string,
): { start: number; end: number; text: string } | null {
  const sel = window.getSelection();
  if (!el || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!el.contains(range.startContainer) || !el.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(el);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const end = start + range.toString().length;
  const chosen = text.slice(start, end);
  // Trim the spaces a double-click or a drag picks up at the edges.
  const lead = chosen.length - chosen.trimStart().length;
  const trail = chosen.length - chosen.trimEnd().length;
  if (end - trail <= start + lead) return null;
  return { start: start + lead, end: end - trail, text: chosen.trim() };
}

type TProps = {
  text: string;
  entities: TEntitySpan[];
  innerRef: React.RefObject<HTMLParagraphElement | null>;
  onRemove: (index: number) => void;
};

/** The turn's text with its entity spans marked; clicking a span's type removes it. */
export function Utterance({ text, entities, innerRef, onRemove }: TProps) {
  const sorted = entities.map((e, i) => ({ ...e, i })).sort((a, b) => a.start - b.start);
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end > text.length) continue;
    parts.push(text.slice(at, e.start));
    parts.push(
      <mark key={`${e.start}-${e.end}`} title={e.type}>
        {text.slice(e.start, e.end)}
      </mark>,
    );
    at = e.end;
  }
  parts.push(text.slice(at));
  return (
    <>
      <p className="utterance" ref={innerRef}>
        {parts}
      </p>
      {sorted.length ? (
        <ul className="entities" aria-label="Entities">
          {sorted.map((e) => (
            <li key={`${e.start}-${e.end}`}>
              <button
                type="button"
                className="secondary"
                onClick={() => onRemove(e.i)}
                aria-label={`Remove ${e.type} ${e.value}`}
              >
                {e.type}: {e.value} ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
