import type { TDriftWindow } from '@acsa/pipelines/analytics';
import Link from 'next/link';
import { clock, pct, shortId, utc } from '@/components/format';
import { breachText } from './drift-metric-names';
import { RetrainFromAlert } from './retrain-from-alert';
import { HistogramShares, IntentShares } from './window-distributions';

const f3 = (x: number) => x.toFixed(3);
const pValue = (p: number) => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`);

/**
 * The chosen window: its figures and breaches in words, reference against live intents and histograms, and
 * on an alert, retraining from it (or the run already started from it).
 */
export function DriftWindowPanel({ w }: { w: TDriftWindow }) {
  const e = w.effectiveThresholds;
  const over = (m: string) => (e?.[m] !== undefined ? ` (threshold ${f3(e[m])})` : '');
  const ks = (k: 'confidence' | 'length') =>
    w.ks ? `, KS D ${f3(w.ks[k].d)}, ${pValue(w.ks[k].p)}${over(`${k}Ks`)}` : '';
  return (
    <section aria-labelledby="drift-window" data-window={w.id} className="card">
      <h2 id="drift-window">
        Window {utc(w.start)} – {clock(w.end)} · {w.version}{' '}
        <span className={`badge ${w.alert ? 'status-assigned' : 'status-resolved'}`}>
          {w.alert ? 'alert' : 'no alert'}
        </span>
      </h2>
      <p>
        {w.n} customer messages{w.source === 'shadow' ? ', as the shadow model scored them' : ''}. Intents:
        PSI {f3(w.figures.intentPsi)}
        {over('intentPsi')}, Jensen–Shannon {f3(w.figures.intentJs)} bits{over('intentJs')}. Confidence: PSI{' '}
        {f3(w.figures.confidencePsi)}
        {over('confidencePsi')}
        {ks('confidence')}. Length: PSI {f3(w.figures.lengthPsi)}
        {over('lengthPsi')}
        {ks('length')}. Unknown words: {pct(w.figures.unknownTokenRate)}.
      </p>
      {w.breaches.length ? (
        <ul aria-label="Over threshold">
          {w.breaches.map((b) => (
            <li key={`${b.metric} ${b.intent ?? ''}`}>{breachText(b)}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">Every figure is within its threshold.</p>
      )}
      {w.alert ? (
        w.activeRun ? (
          <p>
            A retraining run from this alert is {w.activeRun.status.toLowerCase()}:{' '}
            <Link href={`/runs/${w.activeRun.id}`}>run {shortId(w.activeRun.id)}</Link>.
          </p>
        ) : (
          <RetrainFromAlert reportId={w.id} />
        )
      ) : null}
      {w.runs.length > (w.activeRun ? 1 : 0) ? (
        <p className="muted">
          Earlier runs from this alert:{' '}
          {w.runs
            .filter((r) => r.id !== w.activeRun?.id)
            .map((r, i) => (
              <span key={r.id}>
                {i ? ', ' : ''}
                <Link href={`/runs/${r.id}`}>run {shortId(r.id)}</Link> ({r.status.toLowerCase()})
              </span>
            ))}
        </p>
      ) : null}
      {w.intents.length || w.confidence.length ? (
        <>
          <IntentShares rows={w.intents} />
          <div className="charts" style={{ marginTop: 12 }}>
            <HistogramShares
              title="Confidence (bins from each lower edge), reference against live"
              bins={w.confidence}
              testId="confidence-histogram"
            />
            <HistogramShares
              title="Length in words (bins from each lower edge), reference against live"
              bins={w.length}
              testId="length-histogram"
            />
          </div>
        </>
      ) : (
        <p className="muted">This window's report keeps no histograms to draw.</p>
      )}
    </section>
  );
}
