type TTurn = {
  seq: number;
  role: 'USER' | 'AGENT' | 'SYSTEM';
  text: string;
  intent: string | null;
  confidence: number | null;
};

/** A conversation as people read it: who said what, and what the model understood of each customer turn. */
export function Transcript({ turns, highlight }: { turns: TTurn[]; highlight?: number }) {
  return (
    <ol className="transcript">
      {turns.map((t) => (
        <li key={t.seq} className={`turn ${t.role.toLowerCase()}${t.seq === highlight ? ' current' : ''}`}>
          <span className="who">
            {t.role === 'USER' ? 'Customer' : t.role === 'AGENT' ? 'Agent' : 'System'}
          </span>
          <span className="text">{t.text}</span>
          {t.role === 'USER' && t.intent ? (
            <span className="meta">
              {t.intent}
              {t.confidence != null ? ` · ${Math.round(t.confidence * 100)} %` : ''}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
