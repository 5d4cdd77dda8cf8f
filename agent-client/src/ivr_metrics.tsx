// The IVR on the supervisor's wallboard (GET /api/v1/ivr/metrics): containment,
// abandonment, transfers by intent, no-input/no-match per node and the histogram of
// intent confidence; re-read every 30 s and on demand.

import { useEffect, useState } from 'preact/hooks';
import { errorText, get } from './api';
import { t } from './i18n';

export interface IvrMetrics {
  sessions: number;
  by_state: Record<string, number>;
  containment: number;
  abandonment: number;
  transfers_by_intent: Record<string, number>;
  node_events: Record<string, { no_input: number; no_match: number }>;
  confidence_histogram: number[];
}

const REFRESH_MS = 30000;
const pct = (x: number) => `${Math.round(x * 100)}%`;

// Rows sorted by count, largest first, with each one's share of the largest (bar width).
export function bars(counts: Record<string, number>): Array<{ key: string; n: number; share: number }> {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return rows.map(([key, n]) => ({ key, n, share: n / max }));
}

function Histogram(props: { counts: number[]; label: string }) {
  const w = 200;
  const h = 48;
  const max = Math.max(1, ...props.counts);
  const bw = w / props.counts.length;
  return (
    <svg class="histogram" width={w} height={h + 12} viewBox={`0 0 ${w} ${h + 12}`} role="img" aria-label={props.label}>
      {props.counts.map((n, i) => (
        <rect key={i} x={i * bw + 1} y={h - (n / max) * h} width={bw - 2} height={(n / max) * h} fill="currentColor">
          <title>{`${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}: ${n}`}</title>
        </rect>
      ))}
      <text x="0" y={h + 11} font-size="9">0</text>
      <text x={w - 6} y={h + 11} font-size="9">1</text>
    </svg>
  );
}

export function IvrPanel() {
  const [m, setM] = useState<IvrMetrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    get<IvrMetrics>('/api/v1/ivr/metrics')
      .then((x) => {
        setM(x);
        setError(null);
      })
      .catch((e) => setError(errorText(e)));
    const id = setTimeout(() => setTick((x) => x + 1), REFRESH_MS);
    return () => clearTimeout(id);
  }, [tick]);
  const nodes = m ? Object.entries(m.node_events).sort((a, b) => b[1].no_input + b[1].no_match - (a[1].no_input + a[1].no_match)) : [];
  return (
    <section aria-labelledby="ivr-title" data-testid="ivr-metrics" class="ivr">
      <h2 id="ivr-title">{t('ivr.title')}</h2>
      <button type="button" onClick={() => setTick((x) => x + 1)}>
        {t('ivr.refresh')}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {m && (
        <div class="ivr-grid">
          <dl class="figures">
            <div>
              <dt>{t('ivr.sessions')}</dt>
              <dd data-testid="ivr-sessions">{m.sessions}</dd>
            </div>
            <div>
              <dt>{t('ivr.containment')}</dt>
              <dd data-testid="ivr-containment">{m.sessions ? pct(m.containment) : '–'}</dd>
            </div>
            <div>
              <dt>{t('ivr.abandonment')}</dt>
              <dd data-testid="ivr-abandonment">{m.sessions ? pct(m.abandonment) : '–'}</dd>
            </div>
            <div>
              <dt>{t('ivr.transferred')}</dt>
              <dd>{m.by_state.transferred ?? 0}</dd>
            </div>
          </dl>
          <div>
            <h3>{t('ivr.byIntent')}</h3>
            {Object.keys(m.transfers_by_intent).length === 0 ? (
              <p class="muted">{t('ivr.none')}</p>
            ) : (
              <ul class="bars" data-testid="ivr-intents">
                {bars(m.transfers_by_intent).map((b) => (
                  <li key={b.key}>
                    <span class="bar-label">{b.key === '(none)' ? t('ivr.noIntent') : b.key}</span>
                    <span class="bar" style={{ width: `${Math.round(b.share * 100)}%` }} />
                    <span class="bar-n">{b.n}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>{t('ivr.perNode')}</h3>
            {nodes.length === 0 ? (
              <p class="muted">{t('ivr.none')}</p>
            ) : (
              <table class="grid" data-testid="ivr-nodes">
                <thead>
                  <tr>
                    <th scope="col">{t('ivr.node')}</th>
                    <th scope="col">{t('ivr.noInput')}</th>
                    <th scope="col">{t('ivr.noMatch')}</th>
                  </tr>
                </thead>
                <tbody>
                  {nodes.map(([node, e]) => (
                    <tr key={node} data-node={node}>
                      <th scope="row">{node}</th>
                      <td>{e.no_input}</td>
                      <td>{e.no_match}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div>
            <h3>{t('ivr.confidence')}</h3>
            <Histogram counts={m.confidence_histogram} label={t('ivr.confidenceChart', { n: m.confidence_histogram.reduce((a, b) => a + b, 0) })} />
          </div>
        </div>
      )}
    </section>
  );
}
