// The Lua rule bundles in the admin view (GET /api/v1/rules): the active and the
// previous bundle with version, state, counters and when they were installed; rollback
// (POST /api/v1/rules/rollback, audited by the server) after a confirmation.

import { useEffect, useState } from 'preact/hooks';
import { errorText, get, post } from './api';
import { t } from './i18n';

interface Bundle {
  id: string;
  version: number;
  key_id: string;
  expires: string;
  hooks: string[];
  counters: { calls: number; errors: number; limit_hits: number; rebuilds: number; fallbacks: number };
  memory_bytes: number;
  installed_at?: string | null;
  installed_by?: string | null;
}

interface RulesStatus {
  api_version: number;
  active: Bundle | null;
  previous: Bundle | null;
}

export function RulesPanel() {
  const [status, setStatus] = useState<RulesStatus | null>(null);
  const [tick, setTick] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    get<RulesStatus>('/api/v1/rules')
      .then(setStatus)
      .catch((e) => setMessage({ error: true, text: errorText(e) }));
  }, [tick]);
  const rollback = async () => {
    setConfirming(false);
    setMessage(null);
    try {
      const b = await post<Bundle>('/api/v1/rules/rollback');
      setMessage({ error: false, text: t('rules.rolledBack', { id: b.id, version: b.version }) });
    } catch (e) {
      setMessage({ error: true, text: errorText(e) });
    }
    setTick((x) => x + 1);
  };
  const rows: Array<[string, Bundle]> = [];
  if (status?.active) rows.push(['active', status.active]);
  if (status?.previous) rows.push(['previous', status.previous]);
  return (
    <section class="rules" aria-labelledby="rules-title" data-testid="rules">
      <h3 id="rules-title">{t('rules.title')}</h3>
      {status && rows.length === 0 && <p data-testid="rules-none">{t('rules.none')}</p>}
      {rows.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              {['name', 'version', 'state', 'calls', 'errors', 'limit_hits', 'fallbacks', 'installed'].map((c) => (
                <th scope="col" key={c}>
                  {t(`rules.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([state, b]) => (
              <tr key={state} data-bundle={state}>
                <td>{b.id}</td>
                <td>{b.version}</td>
                <td>
                  <span class={`state state-${state === 'active' ? 'ready' : 'offline'}`}>{t(`rules.state.${state}`)}</span>
                </td>
                <td>{b.counters.calls}</td>
                <td class={b.counters.errors > 0 ? 'bad' : ''} data-testid={`rules-errors-${state}`}>
                  {b.counters.errors}
                </td>
                <td>{b.counters.limit_hits}</td>
                <td>{b.counters.fallbacks}</td>
                <td>
                  {b.installed_at ? new Date(b.installed_at).toLocaleString() : '–'}
                  {b.installed_by ? ` · ${b.installed_by}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="row">
        <button type="button" onClick={() => setTick((x) => x + 1)}>
          {t('rules.refresh')}
        </button>
        <button type="button" disabled={!status?.active} onClick={() => setConfirming(true)} data-testid="rules-rollback">
          {t('rules.rollback')}
        </button>
      </div>
      {confirming && (
        <div role="alertdialog" aria-labelledby="rules-confirm" class="card confirm" data-testid="rules-confirm">
          <p id="rules-confirm">
            {status?.previous
              ? t('rules.confirm', { from: `${status.active?.id} v${status.active?.version}`, to: `${status.previous.id} v${status.previous.version}` })
              : t('rules.confirmNoPrevious')}
          </p>
          <div class="row">
            <button type="button" class="primary" onClick={rollback}>
              {t('rules.confirmYes')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('rules.confirmNo')}
            </button>
          </div>
        </div>
      )}
      {message && (
        <p class={message.error ? 'error' : 'saved'} role={message.error ? 'alert' : 'status'} data-testid="rules-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
