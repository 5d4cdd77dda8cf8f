// The supervisor's view: the live wallboard per queue, agents by state and tier with
// time in state (and a forced state change with a reason), routing decisions explained.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, enc, get, put } from './api';
import { nameOf, t } from './i18n';
import { agentsByState, formatDuration, HISTORY_MS, type DeskState, type StatsSample } from './state';
import type { Agent, Coded, Decision, Queue } from './types';
import { explainDecision } from './explain';
import { IvrPanel } from './ivr_metrics';

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

// A small line chart of the waiting count over the last hour.
export function Spark(props: { samples: StatsSample[]; now: number; label: string }) {
  const w = 120;
  const h = 28;
  const pts = props.samples.filter((s) => props.now - s.t <= HISTORY_MS);
  const max = Math.max(1, ...pts.map((s) => s.waiting));
  const x = (t: number) => w - ((props.now - t) / HISTORY_MS) * w;
  const y = (v: number) => h - 2 - (v / max) * (h - 4);
  const d = pts.map((s, i) => `${i ? 'L' : 'M'}${x(s.t).toFixed(1)},${y(s.waiting).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
      <path d={d || `M0,${h - 2} L${w},${h - 2}`} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

export function SupervisorView(props: { state: DeskState; now: number }) {
  const { state, now } = props;
  const [queues, setQueues] = useState<Queue[]>([]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [reasons, setReasons] = useState<Coded[]>([]);
  useEffect(() => {
    void Promise.all([
      get<{ items: Queue[] }>('/api/v1/queues?limit=200').then((r) => setQueues(r.items)),
      get<{ items: Agent[] }>('/api/v1/agents?limit=200').then((r) => setAgents(r.items)),
      get<{ items: Coded[] }>('/api/v1/not-ready-reasons?limit=200').then((r) => setReasons(r.items)),
    ]).catch(() => undefined);
  }, []);
  return (
    <div class="supervisor">
      <Wallboard state={state} queues={queues} now={now} />
      <IvrPanel />
      <Agents state={state} agents={agents} reasons={reasons} now={now} />
      <Decisions decisions={state.decisions} agents={agents} />
    </div>
  );
}

function Wallboard(props: { state: DeskState; queues: Queue[]; now: number }) {
  const { state, now } = props;
  const codes = props.queues.length ? props.queues.map((q) => q.code) : Object.keys(state.stats).sort();
  return (
    <section aria-labelledby="wb-title" data-testid="wallboard">
      <h2 id="wb-title">{t('wallboard.title')}</h2>
      <table class="grid">
        <thead>
          <tr>
            <th scope="col">{t('wallboard.queue')}</th>
            <th scope="col">{t('wallboard.waiting')}</th>
            <th scope="col">{t('wallboard.longest')}</th>
            <th scope="col">{t('wallboard.sl')}</th>
            <th scope="col">{t('wallboard.asa')}</th>
            <th scope="col">{t('wallboard.abandon')}</th>
            <th scope="col">{t('wallboard.answered')}</th>
            <th scope="col">{t('wallboard.hour')}</th>
          </tr>
        </thead>
        <tbody>
          {codes.map((code) => {
            const s = state.stats[code];
            const q = props.queues.find((x) => x.code === code);
            const target = (q?.sl_target_pct ?? 80) / 100;
            const slKnown = !!s && s.answered + s.abandoned > 0;
            return (
              <tr key={code} data-queue={code}>
                <th scope="row">{nameOf(q?.name, code)}</th>
                <td data-testid={`waiting-${code}`}>{s ? s.waiting : '–'}</td>
                <td>{s ? formatDuration(s.longest_wait_ms) : '–'}</td>
                <td class={slKnown ? (s!.service_level >= target ? 'good' : 'bad') : ''}>
                  {slKnown ? pct(s!.service_level) : '–'} / {pct(target)}
                </td>
                <td>{s && s.answered ? formatDuration(s.average_speed_of_answer_ms) : '–'}</td>
                <td>{s && s.answered + s.abandoned ? pct(s.abandon_rate) : '–'}</td>
                <td data-testid={`answered-${code}`}>{s ? s.answered : '–'}</td>
                <td>
                  <Spark samples={state.history[code] ?? []} now={now} label={t('wallboard.chart', { queue: nameOf(q?.name, code) })} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Agents(props: { state: DeskState; agents: Agent[]; reasons: Coded[]; now: number }) {
  const rows = agentsByState(props.agents, props.state.presence);
  const [target, setTarget] = useState<Record<string, { state: string; reason: string }>>({});
  const [message, setMessage] = useState<string | null>(null);
  const force = async (id: string) => {
    const want = target[id] ?? { state: 'ready', reason: '' };
    setMessage(null);
    try {
      await put(`/api/v1/agents/${enc(id)}/presence`, want.state === 'not_ready' ? { state: want.state, reason: want.reason } : { state: want.state });
      setMessage(t('agents.forced', { id, state: t(`state.${want.state}`) }));
    } catch (e) {
      setMessage(e instanceof ApiError ? t('error.server', { detail: e.detail }) : String(e));
    }
  };
  return (
    <section aria-labelledby="agents-title" data-testid="agents">
      <h2 id="agents-title">{t('agents.title')}</h2>
      {message && (
        <p role="status" class="notice">
          {message}
        </p>
      )}
      <table class="grid">
        <thead>
          <tr>
            <th scope="col">{t('agents.agent')}</th>
            <th scope="col">{t('agents.tier')}</th>
            <th scope="col">{t('agents.state')}</th>
            <th scope="col">{t('agents.inState')}</th>
            <th scope="col">{t('agents.force')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => {
            const p = a.presence;
            const want = target[a.id] ?? { state: 'ready', reason: '' };
            const reasonName = nameOf(props.reasons.find((r) => r.code === p?.reason)?.name, p?.reason ?? '');
            return (
              <tr key={a.id} data-agent={a.id}>
                <th scope="row">
                  {nameOf(a.name, a.id)} <span class="muted">{a.id}</span>
                </th>
                <td>T{a.tier}</td>
                <td>
                  <span class={`state state-${p?.state ?? 'offline'}`} data-testid={`state-${a.id}`}>
                    {t(`state.${p?.state ?? 'offline'}`)}
                  </span>
                  {p?.reason && <span class="muted"> · {reasonName}</span>}
                </td>
                <td>{p ? formatDuration(props.now - Date.parse(p.since)) : '–'}</td>
                <td class="row">
                  <select aria-label={t('agents.forceState', { id: a.id })} value={want.state}
                    onChange={(e) => setTarget({ ...target, [a.id]: { ...want, state: (e.target as HTMLSelectElement).value } })}>
                    {['ready', 'not_ready', 'offline'].map((s) => (
                      <option key={s} value={s}>
                        {t(`state.${s}`)}
                      </option>
                    ))}
                  </select>
                  {want.state === 'not_ready' && (
                    <select aria-label={t('agents.forceReason', { id: a.id })} value={want.reason}
                      onChange={(e) => setTarget({ ...target, [a.id]: { ...want, reason: (e.target as HTMLSelectElement).value } })}>
                      <option value="">{t('presence.chooseReason')}</option>
                      {props.reasons.map((r) => (
                        <option key={r.code} value={r.code}>
                          {nameOf(r.name, r.code)}
                        </option>
                      ))}
                    </select>
                  )}
                  <button onClick={() => force(a.id)} disabled={want.state === 'not_ready' && !want.reason}>
                    {t('agents.apply')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

interface Explained {
  contact_id: string;
  decision: Decision;
  history: Array<{ at: string; kind: string; agent_id: string | null }>;
}

function Decisions(props: { decisions: Decision[]; agents: Agent[] }) {
  const [open, setOpen] = useState<Explained | null>(null);
  const [error, setError] = useState<string | null>(null);
  const explain = async (id: string) => {
    setError(null);
    try {
      setOpen(await get<Explained>(`/api/v1/contacts/${enc(id)}/decision`));
    } catch (e) {
      setError(e instanceof ApiError ? t('error.server', { detail: e.detail }) : String(e));
    }
  };
  const agentName = (id: string | null) => nameOf(props.agents.find((a) => a.id === id)?.name, id ?? '');
  return (
    <section aria-labelledby="dec-title" data-testid="decisions">
      <h2 id="dec-title">{t('decisions.title')}</h2>
      {props.decisions.length === 0 && <p class="muted">{t('decisions.none')}</p>}
      <ul class="decisions">
        {props.decisions.map((d) => (
          <li key={d.contact_id + d.at}>
            <span>
              {new Date(d.at).toLocaleTimeString()} · {d.contact_id} → {agentName(d.agent_id)}: {explainDecision(d, t, agentName(d.agent_id))[0]}
            </span>{' '}
            <button onClick={() => explain(d.contact_id)}>{t('decisions.explain')}</button>
          </li>
        ))}
      </ul>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {open && (
        <div class="card" role="region" aria-label={t('decisions.detail', { id: open.contact_id })}>
          <h3>{t('decisions.detail', { id: open.contact_id })}</h3>
          <ul class="explain" data-testid="explanation">
            {explainDecision(open.decision, t, agentName(open.decision.agent_id)).map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          <ol>
            {open.history.map((h, i) => (
              <li key={i}>
                {new Date(h.at).toLocaleTimeString()} · {t(`event.${h.kind}`) === `event.${h.kind}` ? h.kind : t(`event.${h.kind}`)}
                {h.agent_id ? ` · ${agentName(h.agent_id)}` : ''}
              </li>
            ))}
          </ol>
          <button onClick={() => setOpen(null)}>{t('app.close')}</button>
        </div>
      )}
    </section>
  );
}
