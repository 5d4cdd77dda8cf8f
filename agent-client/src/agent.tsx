// The agent's view: presence, the incoming offer with its context, the contact being
// handled, wrap-up (open until the agent closes it) and "my day".

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, enc, errorText, get, post, put } from './api';
import { lang, nameOf, t } from './i18n';
import { formatDuration, secondsLeft, type DeskState } from './state';
import type { Coded, Contact, MyDay, Offer, Queue } from './types';
import type { Dispatch } from './app';
import { ChatPanel } from './chat';
import { explainDecision } from './explain';

interface Catalogue {
  queues: Record<string, Queue>;
  reasons: Coded[];
  codes: Coded[];
}

function useCatalogue(): Catalogue {
  const [cat, setCat] = useState<Catalogue>({ queues: {}, reasons: [], codes: [] });
  useEffect(() => {
    void (async () => {
      try {
        const [q, r, c] = await Promise.all([
          get<{ items: Queue[] }>('/api/v1/queues?limit=200'),
          get<{ items: Coded[] }>('/api/v1/not-ready-reasons?limit=200'),
          get<{ items: Coded[] }>('/api/v1/wrapup-codes?limit=200'),
        ]);
        const queues: Record<string, Queue> = {};
        for (const x of q.items) queues[x.code] = x;
        setCat({ queues, reasons: r.items, codes: c.items.filter((x) => x.active !== false) });
      } catch {
        /* shown as codes; retried on next mount */
      }
    })();
  }, []);
  return cat;
}

export function AgentView(props: { state: DeskState; dispatch: Dispatch; now: number }) {
  const { state, dispatch, now } = props;
  const cat = useCatalogue();
  const [dayTick, setDayTick] = useState(0);
  const agentId = state.me!.agent_id!;
  return (
    <div class="agent">
      <PresencePanel state={state} reasons={cat.reasons} now={now} agentId={agentId} />
      <section class="work" aria-labelledby="work-title">
        <h2 id="work-title" class="sr-only">
          {t('work.title')}
        </h2>
        {state.wrapup ? (
          <WrapUpForm state={state} dispatch={dispatch} codes={cat.codes} cat={cat} now={now} onDone={() => setDayTick((x) => x + 1)} />
        ) : state.current ? (
          <Handling contact={state.current} cat={cat} dispatch={dispatch} now={now} state={state} />
        ) : state.offer ? (
          <OfferCard offer={state.offer} cat={cat} dispatch={dispatch} now={now} state={state} />
        ) : (
          <p class="idle" data-testid="idle">
            {state.me?.presence?.state === 'ready' ? t('work.waiting') : t('work.notReady')}
          </p>
        )}
      </section>
      <MyDayPanel agentId={agentId} tick={dayTick} connected={state.connected} />
      <KnowledgePanel />
    </div>
  );
}

function PresencePanel(props: { state: DeskState; reasons: Coded[]; now: number; agentId: string }) {
  const p = props.state.presence[props.agentId] ?? props.state.me?.presence;
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const set = async (state: string, why?: string) => {
    setError(null);
    try {
      await put(`/api/v1/agents/${enc(props.agentId)}/presence`, why ? { state, reason: why } : { state });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? t('presence.busyNow') : errorText(e));
    }
  };
  const reasonName = (code: string | null) => nameOf(props.reasons.find((r) => r.code === code)?.name, code ?? '');
  return (
    <section class="presence" aria-labelledby="presence-title">
      <h2 id="presence-title">{t('presence.title')}</h2>
      <p>
        <span class={`state state-${p?.state ?? 'offline'}`} data-testid="presence-state" data-state={p?.state ?? 'offline'}>
          {t(`state.${p?.state ?? 'offline'}`)}
        </span>
        {p?.reason && <span class="reason"> · {reasonName(p.reason)}</span>}
        {p && <span class="since"> · {formatDuration(props.now - Date.parse(p.since))}</span>}
        {p && p.changed_by && p.changed_by !== props.state.me?.username && (p.changed_by !== 'system' || p.reason === 'missed-offers') && (
          <span class="muted" data-testid="changed-by">
            {' '}
            · {t(p.changed_by === 'system' ? 'presence.bySystem' : 'presence.changedBy', { who: p.changed_by })}
          </span>
        )}
      </p>
      <div class="row">
        <button class="primary" onClick={() => set('ready')} disabled={p?.state === 'ready'}>
          {t('presence.ready')}
        </button>
        <label>
          <span class="sr-only">{t('presence.reason')}</span>
          <select aria-label={t('presence.reason')} value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)}>
            <option value="">{t('presence.chooseReason')}</option>
            {props.reasons.map((r) => (
              <option key={r.code} value={r.code}>
                {nameOf(r.name, r.code)}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => set('not_ready', reason)} disabled={!reason}>
          {t('presence.notReady')}
        </button>
        <button onClick={() => set('offline')}>{t('presence.offline')}</button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

interface Earlier {
  matched_on: string | null;
  items: Array<{ id: string; queue: string; state: string; agent_id: string | null; arrived_at: string; intent: string; wrap_up: { code: string; resolved: boolean } | null }>;
}

function ContactContext(props: { contact: Contact; cat: Catalogue }) {
  const c = props.contact;
  const attrs = Object.entries(c.attributes ?? {});
  const [earlier, setEarlier] = useState<Earlier | null>(null);
  useEffect(() => {
    get<Earlier>(`/api/v1/contacts/${enc(c.id)}/earlier`)
      .then(setEarlier)
      .catch(() => setEarlier(null));
  }, [c.id]);
  return (
    <dl class="context">
      <dt>{t('contact.queue')}</dt>
      <dd>
        {nameOf(props.cat.queues[c.queue]?.name, c.queue)} · {t(`channel.${c.channel}`)} · {c.language}
      </dd>
      <dt>{t('contact.segment')}</dt>
      <dd data-testid="segment">{t(`segment.${c.segment}`) === `segment.${c.segment}` ? c.segment : t(`segment.${c.segment}`)}</dd>
      <dt>{t('contact.intent')}</dt>
      <dd data-testid="intent">
        {c.intent.code ? t('contact.intentValue', { code: c.intent.code, pct: Math.round(c.intent.confidence * 100) }) : t('contact.none')}
      </dd>
      <dt>{t('contact.ivrPath')}</dt>
      <dd>{c.ivr_path.length ? <ol class="path">{c.ivr_path.map((s, i) => <li key={i}>{s}</li>)}</ol> : t('contact.none')}</dd>
      <dt>{t('contact.attributes')}</dt>
      <dd>
        {attrs.length ? (
          <table class="attrs">
            <tbody>
              {attrs.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{typeof v === 'string' ? v : JSON.stringify(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          t('contact.none')
        )}
      </dd>
      <dt>{t('contact.earlier')}</dt>
      <dd data-testid="earlier">
        {earlier && earlier.items.length ? (
          <ul class="earlier">
            {earlier.items.map((e) => (
              <li key={e.id}>
                {new Date(e.arrived_at).toLocaleString()} · {nameOf(props.cat.queues[e.queue]?.name, e.queue)}
                {e.intent ? ` · ${e.intent}` : ''} · {e.wrap_up ? e.wrap_up.code : t(`event.${e.state}`)}
              </li>
            ))}
          </ul>
        ) : (
          t('contact.none')
        )}
      </dd>
    </dl>
  );
}

function OfferCard(props: { offer: Offer; cat: Catalogue; dispatch: Dispatch; now: number; state: DeskState }) {
  const { offer, dispatch } = props;
  const id = offer.contact.id;
  const [history, setHistory] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const acceptRef = useRef<HTMLButtonElement>(null);
  // The offer takes the keyboard focus: Enter accepts, Tab then Enter rejects.
  useEffect(() => acceptRef.current?.focus(), [id]);
  useEffect(() => {
    get<{ history: Array<{ kind: string }> }>(`/api/v1/contacts/${enc(id)}/decision`)
      .then((d) => setHistory(d.history.filter((e) => e.kind === 'offered').length))
      .catch(() => setHistory(null));
  }, [id]);
  const left = secondsLeft(offer.expires_at, props.now);
  const total = props.cat.queues[offer.contact.queue]?.offer_timeout_s ?? 15;
  const answer = async (what: 'accept' | 'reject') => {
    setError(null);
    try {
      await post(`/api/v1/contacts/${enc(id)}/${what}`);
      dispatch(what === 'accept' ? { kind: 'accepted', contactId: id } : { kind: 'offerGone', contactId: id });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 409)) {
        dispatch({ kind: 'offerGone', contactId: id });
      }
      setError(errorText(e));
    }
  };
  const d = offer.decision;
  return (
    <article class="card offer" role="alertdialog" aria-labelledby="offer-title" data-testid="offer">
      <h2 id="offer-title">{t('offer.title', { channel: t(`channel.${offer.contact.channel}`) })}</h2>
      <p class="countdown" aria-live="polite">
        <span data-testid="countdown">{t('offer.left', { s: left })}</span>
        <progress max={total} value={left} aria-label={t('offer.countdown')} />
      </p>
      <ContactContext contact={offer.contact} cat={props.cat} />
      {offer.contact.channel === 'chat' && (
        <ChatPanel contact={offer.contact} messages={props.state.chats[id]} dispatch={dispatch} canReply={false} connected={props.state.connected} />
      )}
      <section class="why" aria-labelledby="why-title">
        <h3 id="why-title">{t('offer.why')}</h3>
        <ul class="explain" data-testid="why">
          {explainDecision(d, t, nameOf(props.state.me?.agent?.name, d.agent_id)).map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
        <p class="muted">
          {t('offer.whyDetail', {
            strategy: t(`strategy.${d.strategy}`),
            min: d.ring.min_tier,
            max: d.ring.max_tier,
            eligible: d.eligible,
            tier: d.agent.tier,
          })}
          {history !== null && history > 1 && <> · {t('offer.offeredBefore', { n: history - 1 })}</>}
        </p>
      </section>
      <div class="row">
        <button class="primary" ref={acceptRef} onClick={() => answer('accept')} data-testid="accept">
          {t('offer.accept')}
        </button>
        <button onClick={() => answer('reject')}>{t('offer.reject')}</button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}

function Handling(props: { contact: Contact; cat: Catalogue; dispatch: Dispatch; now: number; state: DeskState }) {
  const c = props.contact;
  const since = Date.parse(c.answered_at ?? c.offered_at ?? c.arrived_at);
  return (
    <article class="card handling" aria-labelledby="handling-title" data-testid="handling">
      <h2 id="handling-title">{t('handling.title', { channel: t(`channel.${c.channel}`) })}</h2>
      <p class="callstate">
        {t(c.channel === 'voice' ? 'handling.onCall' : 'handling.inChat')} · {formatDuration(props.now - since)}
      </p>
      {c.channel === 'chat' && (
        <ChatPanel contact={c} messages={props.state.chats[c.id]} dispatch={props.dispatch} canReply connected={props.state.connected} />
      )}
      <ContactContext contact={c} cat={props.cat} />
      <div class="row">
        <button class="primary" onClick={() => props.dispatch({ kind: 'startWrapUp', now: Date.now() })} data-testid="end-contact">
          {t('handling.end')}
        </button>
      </div>
    </article>
  );
}

function WrapUpForm(props: { state: DeskState; dispatch: Dispatch; codes: Coded[]; cat: Catalogue; now: number; onDone: () => void }) {
  const w = props.state.wrapup!;
  const [code, setCode] = useState('');
  const [resolved, setResolved] = useState(true);
  const [fcr, setFcr] = useState(true);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = w.contact.id;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!code) {
      setError(t('wrapup.needCode'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      try {
        await post(`/api/v1/contacts/${enc(id)}/complete`, { code, resolved, first_contact_resolution: fcr && resolved, notes });
      } catch (err) {
        // Already in wrap-up on the server (e.g. restored after a restart): just close it.
        if (!(err instanceof ApiError && err.status === 409)) throw err;
      }
      try {
        await post(`/api/v1/contacts/${enc(id)}/end-wrap-up`);
      } catch (err) {
        if (!(err instanceof ApiError && (err.status === 409 || err.status === 404))) throw err;
      }
      props.dispatch({ kind: 'closeWrapUp' });
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card wrapup" onSubmit={submit} aria-labelledby="wrapup-title" data-testid="wrapup">
      <h2 id="wrapup-title">{t('wrapup.title')}</h2>
      <p class="muted">
        {nameOf(props.cat.queues[w.contact.queue]?.name, w.contact.queue)} · {t('wrapup.open', { t: formatDuration(props.now - w.opened_at) })}
      </p>
      <label>
        <span>{t('wrapup.code')}</span>
        <select name="code" value={code} required onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
          <option value="">{t('wrapup.chooseCode')}</option>
          {props.codes.map((c) => (
            <option key={c.code} value={c.code}>
              {nameOf(c.name, c.code)}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('wrapup.outcome')}</legend>
        <label class="check">
          <input type="checkbox" name="resolved" checked={resolved} onChange={(e) => setResolved((e.target as HTMLInputElement).checked)} />
          <span>{t('wrapup.resolved')}</span>
        </label>
        <label class="check">
          <input type="checkbox" name="fcr" checked={fcr && resolved} disabled={!resolved} onChange={(e) => setFcr((e.target as HTMLInputElement).checked)} />
          <span>{t('wrapup.fcr')}</span>
        </label>
      </fieldset>
      <label>
        <span>{t('wrapup.notes')}</span>
        <textarea name="notes" rows={4} maxLength={2000} value={notes} onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy} data-testid="finish-wrapup">
        {t('wrapup.finish')}
      </button>
    </form>
  );
}

function MyDayPanel(props: { agentId: string; tick: number; connected: boolean }) {
  const [day, setDay] = useState<MyDay | null>(null);
  useEffect(() => {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    get<MyDay>(`/api/v1/agents/${enc(props.agentId)}/day?since_ms=${midnight.getTime()}`)
      .then(setDay)
      .catch(() => undefined);
  }, [props.agentId, props.tick, props.connected]);
  return (
    <section class="myday" aria-labelledby="myday-title" data-testid="myday">
      <h2 id="myday-title">{t('myday.title')}</h2>
      <dl class="figures">
        <div>
          <dt>{t('myday.handled')}</dt>
          <dd data-testid="myday-handled">{day ? day.handled : '–'}</dd>
        </div>
        <div>
          <dt>{t('myday.aht')}</dt>
          <dd data-testid="myday-aht">{day && day.handled ? formatDuration(day.average_handling_s * 1000) : '–'}</dd>
        </div>
        <div>
          <dt>{t('myday.fcr')}</dt>
          <dd data-testid="myday-fcr">{day && day.handled ? `${Math.round(day.fcr_rate * 100)}%` : '–'}</dd>
        </div>
      </dl>
    </section>
  );
}

interface KnowledgeItem {
  id: string;
  title: string;
  snippet: string;
  body: string;
  score: number;
}

// Knowledge search over the site's local knowledge base; stays usable while handling.
function KnowledgePanel() {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<KnowledgeItem[] | null>(null);
  const [open, setOpen] = useState<KnowledgeItem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setOpen(null);
    try {
      const r = await get<{ items: KnowledgeItem[] }>(`/api/v1/knowledge?q=${enc(q)}&lang=${enc(lang())}`);
      setItems(r.items);
    } catch (err) {
      setItems(null);
      setError(errorText(err));
    }
  };
  return (
    <section class="knowledge" aria-labelledby="kb-title" data-testid="knowledge">
      <h2 id="kb-title">{t('kb.title')}</h2>
      <form role="search" onSubmit={search}>
        <label for="kb-q">{t('kb.query')}</label>
        <input id="kb-q" type="search" required maxLength={200} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('kb.search')}</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {open ? (
        <article data-testid="kb-article" aria-labelledby="kb-article-title">
          <h3 id="kb-article-title">{open.title}</h3>
          <p>{open.body}</p>
          <button type="button" onClick={() => setOpen(null)}>{t('kb.back')}</button>
        </article>
      ) : items && items.length === 0 ? (
        <p data-testid="kb-none">{t('kb.none')}</p>
      ) : items ? (
        <ul class="kb-results" aria-label={t('kb.results')}>
          {items.map((it) => (
            <li key={it.id}>
              <button type="button" class="link" data-testid={`kb-hit-${it.id}`} onClick={() => setOpen(it)}>{it.title}</button>
              <p>{it.snippet}</p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
