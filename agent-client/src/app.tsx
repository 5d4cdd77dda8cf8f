// The shell: session, language, live socket, navigation between the agent,
// supervisor and admin views.

import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { ApiError, enc, get, post } from './api';
import { LANGS, type Lang, lang, setLang, t } from './i18n';
import { LiveSocket, wsUrl } from './live';
import { initialState, reduce, type Action, type DeskState, type WrapUp } from './state';
import type { Contact, Me, QueueStats, ServerMessage } from './types';
import { AgentView } from './agent';
import { SupervisorView } from './supervisor';
import { AdminView } from './admin';
import { LearningView } from './learning/learning';

export type Dispatch = (a: Action) => void;
type View = 'agent' | 'supervisor' | 'admin' | 'learning';

const wrapKey = (agent: string) => `outpost.wrapup.${agent}`;
const liveKey = (agent: string) => `outpost.live.${agent}`;

function viewFromPath(path: string, me: Me): View {
  const wanted = path.replace(/^\/+/, '').split('/')[0];
  const allowed = allowedViews(me);
  if ((allowed as string[]).includes(wanted)) return wanted as View;
  return allowed[0];
}

function allowedViews(me: Me): View[] {
  const v: View[] = [];
  if (me.agent_id) v.push('agent');
  if (me.role === 'supervisor' || me.role === 'admin') v.push('supervisor');
  if (me.role === 'admin') v.push('admin');
  if (me.agent_id || me.role === 'supervisor' || me.role === 'admin') v.push('learning');
  return v.length ? v : ['agent'];
}

declare global {
  interface Window {
    __outpost?: { drop(): void; attempts(): number; state(): DeskState };
  }
}

export function App() {
  const [state, dispatch] = useReducer(reduce, initialState);
  const [checked, setChecked] = useState(false);
  const [, setLangTick] = useState(0);
  const [view, setView] = useState<View>('agent');
  const [now, setNow] = useState(Date.now());
  const live = useRef<LiveSocket | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;

  // Who am I (the session cookie survives reloads and appliance restarts).
  useEffect(() => {
    get<Me>('/api/v1/auth/me')
      .then((me) => dispatch({ kind: 'me', me }))
      .catch(() => dispatch({ kind: 'me', me: null }))
      .finally(() => setChecked(true));
  }, []);

  // A one-second tick for countdowns and time in state.
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);

  const me = state.me;
  const agentId = me?.agent_id ?? null;

  // Restore an open wrap-up (after a reload) once we know who we are.
  useEffect(() => {
    if (!agentId) return;
    try {
      const saved = localStorage.getItem(wrapKey(agentId));
      if (saved) dispatch({ kind: 'restore', wrapup: JSON.parse(saved) as WrapUp });
    } catch {
      /* ignore */
    }
  }, [agentId]);
  useEffect(() => {
    if (!agentId) return;
    try {
      if (state.wrapup) localStorage.setItem(wrapKey(agentId), JSON.stringify(state.wrapup));
      else localStorage.removeItem(wrapKey(agentId));
      const ids = [state.offer?.contact.id, state.current?.id].filter(Boolean);
      localStorage.setItem(liveKey(agentId), JSON.stringify(ids));
    } catch {
      /* ignore */
    }
  }, [agentId, state.wrapup, state.offer, state.current]);

  useEffect(() => {
    if (me) setView(viewFromPath(location.pathname, me));
  }, [me?.username]);

  // The live socket, while logged in; every hello re-reads what may have been missed.
  useEffect(() => {
    if (!me) return;
    const resync = async () => {
      try {
        const fresh = await get<Me>('/api/v1/auth/me');
        dispatch({ kind: 'me', me: fresh });
        const stats = await get<{ items: QueueStats[] }>('/api/v1/queue-stats');
        dispatch({ kind: 'stats', items: stats.items, now: Date.now() });
        if (fresh.role !== 'agent') {
          const history = await get<{ items: Array<{ queue: string; points: Array<{ at: string; waiting_max: number; service_level: number }> }> }>(
            '/api/v1/queue-stats/history',
          );
          dispatch({ kind: 'history', items: history.items, now: Date.now() });
        }
        if (fresh.agent_id) {
          let ids: string[] = [];
          try {
            ids = JSON.parse(localStorage.getItem(liveKey(fresh.agent_id)) ?? '[]') as string[];
          } catch {
            ids = [];
          }
          const s = stateRef.current;
          for (const id of [s.offer?.contact.id, s.current?.id]) if (id && !ids.includes(id)) ids.push(id);
          const contacts: Contact[] = [];
          for (const id of ids) {
            try {
              contacts.push(await get<Contact>(`/api/v1/contacts/${enc(id)}`));
            } catch {
              /* gone or not mine any more */
            }
          }
          dispatch({ kind: 'resync', contacts });
        }
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) dispatch({ kind: 'me', me: null });
      }
    };
    const socket = new LiveSocket(wsUrl(location), {
      onMessage: (msg: ServerMessage) => {
        dispatch({ kind: 'server', msg, now: Date.now() });
        if (msg.type === 'hello') void resync();
      },
      onState: (connected) => dispatch({ kind: 'socket', connected }),
      onAuthFailed: () => dispatch({ kind: 'me', me: null }),
    });
    live.current = socket;
    window.__outpost = { drop: () => socket.drop(), attempts: () => socket.attempts, state: () => stateRef.current };
    socket.start();
    return () => {
      socket.stop();
      live.current = null;
    };
  }, [me?.username]);

  const changeLang = (l: Lang) => {
    setLang(l);
    setLangTick((x) => x + 1);
  };

  const go = (v: View) => {
    setView(v);
    history.pushState(null, '', `/${v}`);
  };

  const logout = async () => {
    try {
      await post('/api/v1/auth/logout');
    } catch {
      /* the session may be gone already */
    }
    live.current?.stop();
    dispatch({ kind: 'me', me: null });
    history.pushState(null, '', '/');
  };

  const langSwitch = (
    <label class="lang">
      <span>{t('lang.label')}</span>
      <select value={lang()} onChange={(e) => changeLang((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => (
          <option value={l} key={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );

  if (!checked) return <p class="loading">{t('app.loading')}</p>;
  if (!me) return <Login onLoggedIn={(m) => dispatch({ kind: 'me', me: m })} langSwitch={langSwitch} />;

  const views = allowedViews(me);
  const offline = !state.connected;
  return (
    <div class="shell">
      <header class="top">
        <strong class="brand">{t('app.title')}</strong>
        <nav aria-label={t('nav.label')}>
          {views.map((v) => (
            <button key={v} class={v === view ? 'tab active' : 'tab'} aria-current={v === view ? 'page' : undefined} onClick={() => go(v)}>
              {t(`nav.${v}`)}
            </button>
          ))}
        </nav>
        <span class="who" data-testid="who">
          {me.display_name} ({t(`role.${me.role}`)})
        </span>
        {langSwitch}
        <button onClick={logout}>{t('app.logout')}</button>
      </header>
      {offline && (
        <div class="banner" role="alert" data-testid="offline-banner">
          {state.everConnected ? t('live.offline') : t('live.connecting')}
        </div>
      )}
      {state.notice && (
        <div class="notice" role="status">
          {t(state.notice.key, state.notice.vars)}{' '}
          <button onClick={() => dispatch({ kind: 'dismissNotice' })}>{t('app.dismiss')}</button>
        </div>
      )}
      <main>
        {view === 'agent' && me.agent_id && <AgentView state={state} dispatch={dispatch} now={now} />}
        {view === 'supervisor' && <SupervisorView state={state} now={now} />}
        {view === 'admin' && <AdminView />}
        {view === 'learning' && <LearningView me={me} />}
      </main>
    </div>
  );
}

function Login(props: { onLoggedIn: (me: Me) => void; langSwitch: preact.JSX.Element }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/v1/auth/login', { username, password });
      props.onLoggedIn(await get<Me>('/api/v1/auth/me'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login.wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(t('login.limited', { s: err.retryAfter ?? 60 }));
      else if (err instanceof ApiError && err.status === 400) setError(t('login.incomplete'));
      else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <label>
          <span>{t('login.username')}</span>
          <input name="username" autoComplete="username" value={username} required autoFocus
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" value={password} required
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('login.submit')}
        </button>
        {props.langSwitch}
      </form>
    </div>
  );
}
