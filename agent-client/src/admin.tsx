// The admin view: the site directory at a glance (users, agents, skills, queues,
// wrap-up codes). Changes go through the API (docs/api/openapi.yaml) for now.

import { useEffect, useState } from 'preact/hooks';
import { get } from './api';
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
  const table = TABLES.find((x) => x.key === tab)!;
  useEffect(() => {
    get<{ items: Row[] }>(`${table.path}?limit=200`)
      .then((r) => setRows(r.items))
      .catch(() => setRows([]));
  }, [tab]);
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
      <table class="grid">
        <thead>
          <tr>
            {table.cols.map((c) => (
              <th scope="col" key={c}>
                {t(`admin.col.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {table.cols.map((c) => (
                <td key={c}>{cell(r[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
