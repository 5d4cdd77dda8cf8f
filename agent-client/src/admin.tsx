// The admin view: the site directory (users, agents with their tier, languages,
// capacity and skill levels, skills, queues with their tier rings, wrap-up codes),
// edited through the API with the server's problem shown next to the field it names;
// and the Lua rule bundles' status with rollback.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, enc, errorText, get, post, put } from './api';
import { nameOf, t } from './i18n';
import { buildBody, ENTITY_FIELDS, fieldOfProblem, initialValues, type FieldDef, type Values } from './forms';
import { RulesPanel } from './rules';

type Row = Record<string, unknown>;
const TABLES: Array<{ key: string; path: string; id: string; cols: string[] }> = [
  { key: 'users', path: '/api/v1/users', id: 'username', cols: ['username', 'role', 'agent_id', 'display_name', 'disabled'] },
  { key: 'agents', path: '/api/v1/agents', id: 'id', cols: ['id', 'name', 'team', 'tier', 'languages', 'voice_capacity', 'chat_capacity', 'skills'] },
  { key: 'skills', path: '/api/v1/skills', id: 'code', cols: ['code', 'name'] },
  { key: 'queues', path: '/api/v1/queues', id: 'code', cols: ['code', 'name', 'channel', 'sl_target_pct', 'sl_threshold_s', 'strategy', 'rings'] },
  { key: 'wrapup', path: '/api/v1/wrapup-codes', id: 'code', cols: ['code', 'name', 'active'] },
];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'object' && v && 'zh' in v && 'en' in v) return nameOf(v as { zh: string; en: string });
  if (Array.isArray(v)) {
    return v
      .map((x) => {
        if (typeof x !== 'object' || !x) return String(x);
        const o = x as Row;
        if ('segment' in o) return `${o.segment}@${o.after_s}s T${o.min_tier}–T${o.max_tier}`;
        return `${o.skill}:${o.level ?? o.min_level}`;
      })
      .join(', ');
  }
  if (typeof v === 'boolean') return v ? t('admin.yes') : t('admin.no');
  return String(v);
}

export function AdminView() {
  const [tab, setTab] = useState(TABLES[0].key);
  const [rows, setRows] = useState<Row[]>([]);
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ row: Row | null } | null>(null);
  const table = TABLES.find((x) => x.key === tab);
  useEffect(() => {
    if (!table) return;
    get<{ items: Row[] }>(`${table.path}?limit=200`)
      .then((r) => setRows(r.items))
      .catch(() => setRows([]));
  }, [tab, tick]);
  const failed = (e: unknown) => setMessage(errorText(e));
  const toggle = async (code: string, active: boolean) => {
    setMessage(null);
    try {
      await call('PATCH', `/api/v1/wrapup-codes/${enc(code)}`, { active });
      setTick((x) => x + 1);
    } catch (e) {
      failed(e);
    }
  };
  const open = (key: string) => {
    setTab(key);
    setEditing(null);
    setMessage(null);
    setSaved(null);
  };
  return (
    <section aria-labelledby="admin-title">
      <h2 id="admin-title">{t('admin.title')}</h2>
      <div role="tablist" class="row">
        {[...TABLES.map((x) => x.key), 'rules'].map((key) => (
          <button key={key} role="tab" aria-selected={key === tab} class={key === tab ? 'tab active' : 'tab'} onClick={() => open(key)}>
            {t(`admin.${key}`)}
          </button>
        ))}
      </div>
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      {saved && (
        <p class="saved" role="status" data-testid="admin-saved">
          {t('admin.savedWhat', { id: saved })}
        </p>
      )}
      {tab === 'rules' && <RulesPanel />}
      {table && (
        <>
          {tab === 'wrapup' && <NewWrapUpCode onAdded={() => setTick((x) => x + 1)} onError={failed} />}
          {tab !== 'wrapup' && (
            <div class="row">
              <button type="button" onClick={() => (setEditing({ row: null }), setSaved(null))} data-testid="admin-new">
                {t(`admin.new.${tab}`)}
              </button>
            </div>
          )}
          {editing && (
            <EntityForm
              key={`${tab}-${editing.row ? String(editing.row[table.id]) : 'new'}`}
              table={table}
              row={editing.row}
              onSaved={(id) => {
                setTick((x) => x + 1);
                setEditing(null);
                setSaved(id);
              }}
              onRefresh={() => setTick((x) => x + 1)}
              onClose={() => setEditing(null)}
            />
          )}
          <table class="grid" data-testid={`admin-${tab}`}>
            <thead>
              <tr>
                {table.cols.map((c) => (
                  <th scope="col" key={c}>
                    {t(`admin.col.${c}`)}
                  </th>
                ))}
                <th scope="col">{t('admin.change')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i} data-row={String(r[table.id] ?? i)}>
                  {table.cols.map((c) => (
                    <td key={c} data-col={c}>
                      {cell(r[c])}
                    </td>
                  ))}
                  <td>
                    <div class="row">
                      <button type="button" onClick={() => setEditing({ row: r })} aria-label={t('admin.editRow', { id: String(r[table.id]) })}>
                        {t('admin.edit')}
                      </button>
                      {tab === 'wrapup' && (
                        <button onClick={() => toggle(String(r.code), !r.active)}>{r.active ? t('admin.deactivate') : t('admin.activate')}</button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

// A create/edit form for one directory entity: only the changed fields are sent; a
// problem naming a field is shown next to it, any other above the buttons.
function EntityForm(props: { table: (typeof TABLES)[number]; row: Row | null; onSaved: (id: string) => void; onRefresh: () => void; onClose: () => void }) {
  const { table, row } = props;
  const creating = row === null;
  const fields = ENTITY_FIELDS[table.key].filter((f) => creating || !f.createOnly);
  const [initial] = useState<Values>(() => initialValues(fields, row));
  const [values, setValues] = useState<Values>(initial);
  const [rings, setRings] = useState<Row[]>(() => ((row?.rings as Row[] | undefined) ?? []).map((r) => ({ ...r })));
  const [problem, setProblem] = useState<{ field: string | null; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = row ? String(row[table.id]) : '';
  const set = (path: string, v: string | boolean | string[]) => {
    setValues((x) => ({ ...x, [path]: v }));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body = buildBody(fields, initial, values, creating);
      if (table.key === 'queues' && JSON.stringify(rings) !== JSON.stringify(row?.rings ?? [])) {
        body.rings = rings.map((r) => ({ segment: r.segment, after_s: Number(r.after_s), min_tier: Number(r.min_tier), max_tier: Number(r.max_tier) }));
      }
      if (creating) await post<Row>(table.path, body);
      else if (Object.keys(body).length) await call<Row>('PATCH', `${table.path}/${enc(id)}`, body);
      props.onSaved(creating ? String(values[table.id] ?? '') : id);
    } catch (err) {
      const pointer = err instanceof ApiError ? err.field : null;
      const ringField = pointer && pointer.startsWith('/rings') ? 'rings' : null;
      setProblem({ field: ringField ?? fieldOfProblem(fields, pointer), text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const title = creating ? t(`admin.new.${table.key}`) : t('admin.editing', { id });
  return (
    <form class="card editor" onSubmit={submit} aria-label={title} data-testid="admin-editor">
      <h3>{title}</h3>
      <div class="fields">
        {fields.map((f) => (
          <Field key={f.path} f={f} value={values[f.path]} creating={creating} onChange={(v) => set(f.path, v)} problem={problem?.field === f.path ? problem.text : null} />
        ))}
      </div>
      {table.key === 'queues' && (
        <RingsEditor rings={rings} onChange={setRings} problem={problem?.field === 'rings' ? problem.text : null} />
      )}
      {problem && problem.field === null && (
        <p class="error" role="alert">
          {problem.text}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid="admin-save">
          {t('admin.save')}
        </button>
        <button type="button" onClick={props.onClose}>
          {t('app.close')}
        </button>
      </div>
      {table.key === 'agents' && !creating && <AgentSkills agentId={id} skills={(row?.skills as Array<{ skill: string; level: number }>) ?? []} onChanged={props.onRefresh} />}
    </form>
  );
}

function Field(props: { f: FieldDef; value: string | boolean | string[]; creating: boolean; problem: string | null; onChange: (v: string | boolean | string[]) => void }) {
  const { f, value, problem } = props;
  const fid = `f-${f.path.replace(/\W/g, '-')}`;
  const err = problem ? (
    <span class="error field-error" id={`${fid}-err`} role="alert">
      {problem}
    </span>
  ) : null;
  const described = problem ? `${fid}-err` : undefined;
  const label = f.kind === 'password' && !props.creating ? t('admin.resetPassword') : t(f.label);
  if (f.kind === 'bool') {
    return (
      <label class="check">
        <input type="checkbox" name={f.path} checked={value === true} aria-invalid={!!problem} aria-describedby={described} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
        <span>{label}</span>
        {err}
      </label>
    );
  }
  if (f.kind === 'langs') {
    const list = value as string[];
    return (
      <fieldset aria-describedby={described}>
        <legend>{label}</legend>
        {['zh-CN', 'en'].map((l) => (
          <label class="check" key={l}>
            <input
              type="checkbox"
              name={`${f.path}-${l}`}
              checked={list.includes(l)}
              onChange={(e) => props.onChange((e.target as HTMLInputElement).checked ? [...list.filter((x) => x !== l), l] : list.filter((x) => x !== l))}
            />
            <span>{t(`lang.${l}`)}</span>
          </label>
        ))}
        {err}
      </fieldset>
    );
  }
  return (
    <label>
      <span>{label}</span>
      {f.kind === 'select' ? (
        <select name={f.path} value={value as string} aria-invalid={!!problem} aria-describedby={described} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
          {f.options!.map((o) => (
            <option key={o} value={o}>
              {t(`admin.opt.${o}`)}
            </option>
          ))}
        </select>
      ) : (
        <input
          name={f.path}
          type={f.kind === 'password' ? 'password' : f.kind === 'int' || f.kind === 'num' ? 'number' : 'text'}
          autocomplete={f.kind === 'password' ? 'new-password' : undefined}
          value={value as string}
          aria-invalid={!!problem}
          aria-describedby={described}
          onInput={(e) => props.onChange((e.target as HTMLInputElement).value)}
        />
      )}
      {err}
    </label>
  );
}

// A queue's tier rings: from `after_s` seconds of waiting, contacts of `segment` may go to tiers min–max.
function RingsEditor(props: { rings: Row[]; onChange: (r: Row[]) => void; problem: string | null }) {
  const edit = (i: number, key: string, v: string) => props.onChange(props.rings.map((r, j) => (j === i ? { ...r, [key]: v } : r)));
  return (
    <fieldset class="rings">
      <legend>{t('admin.col.rings')}</legend>
      <table class="grid">
        <thead>
          <tr>
            {['segment', 'after_s', 'min_tier', 'max_tier'].map((k) => (
              <th scope="col" key={k}>
                {t(`admin.ring.${k}`)}
              </th>
            ))}
            <th scope="col">{t('admin.change')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rings.map((r, i) => (
            <tr key={i}>
              {['segment', 'after_s', 'min_tier', 'max_tier'].map((k) => (
                <td key={k}>
                  <input
                    aria-label={t('admin.ringField', { n: i + 1, field: t(`admin.ring.${k}`) })}
                    type={k === 'segment' ? 'text' : 'number'}
                    value={String(r[k] ?? '')}
                    size={k === 'segment' ? 10 : 4}
                    onInput={(e) => edit(i, k, (e.target as HTMLInputElement).value)}
                  />
                </td>
              ))}
              <td>
                <button type="button" onClick={() => props.onChange(props.rings.filter((_, j) => j !== i))}>
                  {t('admin.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => props.onChange([...props.rings, { segment: '*', after_s: 0, min_tier: 1, max_tier: 4 }])}>
        {t('admin.addRing')}
      </button>
      {props.problem && (
        <p class="error" role="alert">
          {props.problem}
        </p>
      )}
    </fieldset>
  );
}

// An agent's skill levels: change one (PUT …/skills/{skill}), add one, remove one.
function AgentSkills(props: { agentId: string; skills: Array<{ skill: string; level: number }>; onChanged: () => void }) {
  const [skills, setSkills] = useState(props.skills);
  const [catalogue, setCatalogue] = useState<Array<{ code: string; name: { zh: string; en: string } }>>([]);
  const [levels, setLevels] = useState<Record<string, string>>(() => Object.fromEntries(props.skills.map((s) => [s.skill, String(s.level)])));
  const [adding, setAdding] = useState({ skill: '', level: '1' });
  const [problem, setProblem] = useState<{ skill: string; text: string } | null>(null);
  useEffect(() => {
    get<{ items: Array<{ code: string; name: { zh: string; en: string } }> }>('/api/v1/skills?limit=200')
      .then((r) => setCatalogue(r.items))
      .catch(() => setCatalogue([]));
  }, []);
  const base = `/api/v1/agents/${enc(props.agentId)}/skills`;
  const apply = async (skill: string, level: string) => {
    setProblem(null);
    try {
      const n = Number(level);
      const r = await put<{ skills: Array<{ skill: string; level: number }> }>(`${base}/${enc(skill)}`, { level: Number.isFinite(n) && level.trim() !== '' ? n : level });
      setSkills(r.skills);
      setLevels(Object.fromEntries(r.skills.map((s) => [s.skill, String(s.level)])));
      props.onChanged();
    } catch (e) {
      setProblem({ skill, text: errorText(e) });
    }
  };
  const remove = async (skill: string) => {
    setProblem(null);
    try {
      await call('DELETE', `${base}/${enc(skill)}`);
      setSkills((x) => x.filter((s) => s.skill !== skill));
      props.onChanged();
    } catch (e) {
      setProblem({ skill, text: errorText(e) });
    }
  };
  const skillName = (code: string) => nameOf(catalogue.find((c) => c.code === code)?.name, code);
  return (
    <fieldset class="skills" data-testid="agent-skills">
      <legend>{t('admin.skillLevels')}</legend>
      <table class="grid">
        <tbody>
          {skills.map((s) => (
            <tr key={s.skill} data-skill={s.skill}>
              <th scope="row">{skillName(s.skill)}</th>
              <td>
                <label>
                  <span class="sr-only">{t('admin.levelOf', { skill: skillName(s.skill) })}</span>
                  <input
                    type="number"
                    min={1}
                    max={5}
                    aria-label={t('admin.levelOf', { skill: skillName(s.skill) })}
                    value={levels[s.skill] ?? String(s.level)}
                    onInput={(e) => setLevels((x) => ({ ...x, [s.skill]: (e.target as HTMLInputElement).value }))}
                  />
                </label>
                {problem?.skill === s.skill && (
                  <span class="error field-error" role="alert">
                    {problem.text}
                  </span>
                )}
              </td>
              <td>
                <div class="row">
                  <button type="button" onClick={() => apply(s.skill, levels[s.skill] ?? String(s.level))} aria-label={t('admin.setLevelOf', { skill: skillName(s.skill) })}>
                    {t('admin.setLevel')}
                  </button>
                  <button type="button" onClick={() => remove(s.skill)} aria-label={t('admin.removeSkill', { skill: skillName(s.skill) })}>
                    {t('admin.remove')}
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row">
        <label>
          <span>{t('admin.addSkill')}</span>
          <select value={adding.skill} onChange={(e) => setAdding((x) => ({ ...x, skill: (e.target as HTMLSelectElement).value }))}>
            <option value="">{t('admin.chooseSkill')}</option>
            {catalogue
              .filter((c) => !skills.some((s) => s.skill === c.code))
              .map((c) => (
                <option key={c.code} value={c.code}>
                  {nameOf(c.name, c.code)}
                </option>
              ))}
          </select>
        </label>
        <label>
          <span>{t('admin.level')}</span>
          <input type="number" min={1} max={5} value={adding.level} onInput={(e) => setAdding((x) => ({ ...x, level: (e.target as HTMLInputElement).value }))} />
        </label>
        <button type="button" disabled={!adding.skill} onClick={() => apply(adding.skill, adding.level)}>
          {t('admin.add')}
        </button>
      </div>
      {problem && !skills.some((s) => s.skill === problem.skill) && (
        <p class="error" role="alert">
          {problem.text}
        </p>
      )}
    </fieldset>
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
