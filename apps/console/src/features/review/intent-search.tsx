'use client';
import { useState } from 'react';

/** `/`: every intent, filtered as you type; Enter picks the first match (or the highlighted one), Esc closes. */
export function IntentSearch(props: {
  intents: string[];
  onChoose: (intent: string) => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const words = q
    .toLowerCase()
    .split(/[\s_]+/)
    .filter(Boolean);
  const matches = props.intents.filter((i) => words.every((w) => i.includes(w)));
  return (
    <div className="search card" role="dialog" aria-label="Search intents">
      <label>
        Search every intent
        <input
          // biome-ignore lint/a11y/noAutofocus: the dialog opens on `/` to type into at once
          autoFocus
          value={q}
          role="combobox"
          aria-expanded="true"
          aria-controls="intent-matches"
          aria-activedescendant={matches[active] ? `intent-${matches[active]}` : undefined}
          onChange={(e) => {
            setQ(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') props.onClose();
            else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter' && matches[active]) props.onChoose(matches[active]);
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
      </label>
      <div id="intent-matches" role="listbox" aria-label="Matching intents" className="options">
        {matches.map((i, n) => (
          <div
            key={i}
            tabIndex={-1}
            id={`intent-${i}`}
            role="option"
            aria-selected={n === active}
            className={n === active ? 'active' : ''}
            onMouseDown={(e) => {
              e.preventDefault();
              props.onChoose(i);
            }}
          >
            {i}
          </div>
        ))}
      </div>
    </div>
  );
}
