// The admin view: the site directory at a glance (users, agents, skills, queues,
// wrap-up codes). Changes go through the API (docs/api/openapi.yaml) for now.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, enc, get, post } from './api';
import { nameOf, t } from './i18n';

type Row = Record<string, unknown>;
const TABLES: Array<{ key: string; path: string; cols: string[] }> = [
  { key: 'users', path: '/api/v1/users', cols: ['username', 'role', 'agent_id', 'display_name', 'disabled'] },
  { key: 'agents', path: '/api/v1/agents', cols: ['id', 'name', 'team', 'tier', 'skills'] },
  { key: 'skills', path: '/api/v1/skills', cols: ['code', 'name'] },
  { key: 'queues', path: '/api/v1/queues', cols: ['code', 'name', 'channel', 'sl_target_pct', 'sl_threshold_s', 'strategy'] },
  { key: 'wrapup', path: '/api/v1/wrapup-codes', cols: ['code', 'name', 'active'] },
];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'object' && v && 'zh' in v && 'en' in v) return nameOf(v as { zh: string; en: string });
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x ? `${(x as Row).skill}:${(x as Row).level}` : String(x))).join(', ');
  if (typeof v === 'boolean') return v ? t('admin.yes') : t('admin.no');
  return String(v);
}

export function AdminView() {
  const [tab, setTab] = useState(TABLES[0].key);
  const [rows, setRows] = useState<Row[]>([]);
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const table = TABLES.find((x) => x.key === tab)!;
  useEffect(() => {
    get<{ items: Row[] }>(`${table.path}?limit=200`)
      .then((r) => setRows(r.items))
      .catch(() => setRows([]));
  }, [tab, tick]);
  const failed = (e: unknown) => setMessage(e instanceof ApiError ? t('error.server', { detail: e.detail }) : String(e));
  const toggle = async (code: string, active: boolean) => {
    setMessage(null);
    try {
      await call('PATCH', `/api/v1/wrapup-codes/${enc(code)}`, { active });
      setTick((x) => x + 1);
    } catch (e) {
      failed(e);
    }
  };
  return (
    <section aria-labelledby="admin-title">
      <h2 id="admin-title">{t('admin.title')}</h2>
      <div role="tablist" class="row">
        {TABLES.map((x) => (
          <button key={x.key} role="tab" aria-selected={x.key === tab} class={x.key === tab ? 'tab active' : 'tab'} onClick={() => setTab(x.key)}>
            {t(`admin.${x.key}`)}
          </button>
        ))}
      </div>
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      {tab === 'wrapup' && <NewWrapUpCode onAdded={() => setTick((x) => x + 1)} onError={failed} />}
      <table class="grid" data-testid={`admin-${tab}`}>
        <thead>
          <tr>
            {table.cols.map((c) => (
              <th scope="col" key={c}>
                {t(`admin.col.${c}`)}
              </th>
            ))}
            {tab === 'wrapup' && <th scope="col">{t('admin.change')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-row={String(r.code ?? r.id ?? r.username ?? i)}>
              {table.cols.map((c) => (
                <td key={c}>{cell(r[c])}</td>
              ))}
              {tab === 'wrapup' && (
                <td>
                  <button onClick={() => toggle(String(r.code), !r.active)}>
                    {r.active ? t('admin.deactivate') : t('admin.activate')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NewWrapUpCode(props: { onAdded: () => void; onError: (e: unknown) => void }) {
  const [code, setCode] = useState('');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await post('/api/v1/wrapup-codes', { code, name: { zh, en }, active: true });
      setCode('');
      setZh('');
      setEn('');
      props.onAdded();
    } catch (err) {
      props.onError(err);
    }
  };
  return (
    <form class="row" onSubmit={submit} aria-label={t('admin.newCode')}>
      <label>
        <span>{t('admin.col.code')}</span>
        <input name="code" required pattern="[a-z0-9][a-z0-9._-]*" value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        <span>{t('admin.nameZh')}</span>
        <input name="name_zh" required value={zh} onInput={(e) => setZh((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        <span>{t('admin.nameEn')}</span>
        <input name="name_en" required value={en} onInput={(e) => setEn((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary">
        {t('admin.add')}
      </button>
    </form>
  );
}
