// The desktop's state and every change to it, as one pure reducer: server messages
// (WebSocket), resynchronisation after a reconnect (REST), and the agent's own steps.
// No I/O here, so the logic is tested without a browser (state.test.ts).

import type { ChatMessage, Contact, Decision, Me, Offer, Presence, QueueStats, ServerMessage } from './types';

export const HISTORY_MS = 60 * 60 * 1000; // the wallboard's charts: the last hour
const MAX_DECISIONS = 20;

export interface StatsSample {
  t: number; // epoch ms
  waiting: number;
  service_level: number;
}

export interface WrapUp {
  contact: Contact;
  opened_at: number; // epoch ms
}

export interface DeskState {
  me: Me | null;
  connected: boolean; // the live WebSocket is up and authenticated
  everConnected: boolean;
  presence: Record<string, Presence>;
  offer: Offer | null; // offered to me, not answered yet
  current: Contact | null; // connected to me
  wrapup: WrapUp | null; // after-contact work: stays until the agent closes it
  notice: { key: string; vars?: Record<string, string> } | null;
  stats: Record<string, QueueStats>;
  history: Record<string, StatsSample[]>;
  decisions: Decision[]; // supervisors: the latest routing decisions, newest first
  chats: Record<string, ChatMessage[]>; // chat transcripts by contact id, in seq order
}

export const initialState: DeskState = {
  me: null,
  connected: false,
  everConnected: false,
  presence: {},
  offer: null,
  current: null,
  wrapup: null,
  notice: null,
  stats: {},
  history: {},
  decisions: [],
  chats: {},
};

export type Action =
  | { kind: 'server'; msg: ServerMessage; now: number }
  | { kind: 'me'; me: Me | null }
  | { kind: 'socket'; connected: boolean }
  | { kind: 'stats'; items: QueueStats[]; now: number }
  | { kind: 'history'; items: Array<{ queue: string; points: Array<{ at: string; waiting_max: number; service_level: number }> }>; now: number }
  | { kind: 'resync'; contacts: Contact[] } // live contacts of mine, re-read after a reconnect
  | { kind: 'accepted'; contactId: string }
  | { kind: 'offerGone'; contactId: string }
  | { kind: 'startWrapUp'; now: number }
  | { kind: 'closeWrapUp' }
  | { kind: 'dismissNotice' }
  | { kind: 'restore'; wrapup: WrapUp | null }
  | { kind: 'chat'; contactId: string; messages: ChatMessage[] }; // read or posted over HTTP

const TERMINAL = new Set(['completed', 'abandoned', 'cancelled']);

function isMine(state: DeskState, agentId: string | null | undefined): boolean {
  return !!state.me?.agent_id && agentId === state.me.agent_id;
}

export function addSamples(
  history: Record<string, StatsSample[]>,
  items: QueueStats[],
  now: number,
): Record<string, StatsSample[]> {
  const out: Record<string, StatsSample[]> = { ...history };
  for (const s of items) {
    const kept = (out[s.queue] ?? []).filter((x) => now - x.t <= HISTORY_MS);
    kept.push({ t: now, waiting: s.waiting, service_level: s.service_level });
    out[s.queue] = kept;
  }
  return out;
}

// The server's minute buckets (GET /api/v1/queue-stats/history) under the samples this
// page took itself: server points up to the first local sample, then the local ones.
export function mergeHistory(
  history: Record<string, StatsSample[]>,
  items: Array<{ queue: string; points: Array<{ at: string; waiting_max: number; service_level: number }> }>,
  now: number,
): Record<string, StatsSample[]> {
  const out: Record<string, StatsSample[]> = { ...history };
  for (const q of items) {
    const local = (out[q.queue] ?? []).filter((x) => now - x.t <= HISTORY_MS);
    const firstLocal = local.length ? local[0].t : Infinity;
    const server = q.points
      .map((p) => ({ t: Date.parse(p.at), waiting: p.waiting_max, service_level: p.service_level }))
      .filter((p) => now - p.t <= HISTORY_MS && p.t < firstLocal);
    out[q.queue] = [...server, ...local];
  }
  return out;
}

// A transcript with `more` merged in: one entry per seq, in seq order (a message may
// arrive both live and in a re-read after a reconnect, in either order).
export function mergeChat(have: ChatMessage[] | undefined, more: ChatMessage[]): ChatMessage[] {
  const bySeq = new Map<number, ChatMessage>();
  for (const m of have ?? []) bySeq.set(m.seq, m);
  for (const m of more) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function addChat(state: DeskState, contactId: string, messages: ChatMessage[]): DeskState {
  return { ...state, chats: { ...state.chats, [contactId]: mergeChat(state.chats[contactId], messages) } };
}

// A contact of mine as the server now sees it.
function placeContact(state: DeskState, c: Contact): DeskState {
  if (!isMine(state, c.agent_id)) {
    // Taken away from me (withdrawn offer, supervisor): forget it, but never an open wrap-up.
    let next = state;
    if (state.offer?.contact.id === c.id) next = { ...next, offer: null };
    if (state.current?.id === c.id) next = { ...next, current: null };
    return next;
  }
  switch (c.state) {
    case 'offered':
      return state; // the offer message carries the decision and deadline
    case 'connected':
      if (state.wrapup?.contact.id === c.id) return state; // the agent is already wrapping up
      return { ...state, current: c, offer: state.offer?.contact.id === c.id ? null : state.offer };
    case 'wrap_up':
      // Wrap-up the server knows of (e.g. after a restart): keep it open until closed here.
      return {
        ...state,
        current: state.current?.id === c.id ? null : state.current,
        wrapup: state.wrapup ?? { contact: c, opened_at: Date.parse(c.ended_at ?? c.answered_at ?? c.arrived_at) },
      };
    default:
      if (TERMINAL.has(c.state)) {
        return {
          ...state,
          current: state.current?.id === c.id ? null : state.current,
          offer: state.offer?.contact.id === c.id ? null : state.offer,
          // an open wrap-up form stays: the agent closes it
        };
      }
      return state;
  }
}

function onServer(state: DeskState, msg: ServerMessage, now: number): DeskState {
  switch (msg.type) {
    case 'hello':
      return { ...state, connected: true, everConnected: true };
    case 'presence.snapshot': {
      const presence: Record<string, Presence> = {};
      for (const p of msg.items) presence[p.agent_id] = p;
      return { ...state, presence };
    }
    case 'presence': {
      const { type: _t, previous: _p, ...p } = msg;
      const me = state.me && state.me.agent_id === p.agent_id ? { ...state.me, presence: p } : state.me;
      return { ...state, me, presence: { ...state.presence, [p.agent_id]: p } };
    }
    case 'offer': {
      const offer: Offer = { contact: msg.contact, decision: msg.decision, expires_at: msg.expires_at };
      const decisions = [msg.decision, ...state.decisions.filter((d) => d.contact_id !== msg.decision.contact_id || d.at !== msg.decision.at)].slice(0, MAX_DECISIONS);
      if (!isMine(state, msg.decision.agent_id)) return { ...state, decisions };
      return { ...state, offer, decisions, notice: null };
    }
    case 'offer.ended': {
      if (state.offer?.contact.id !== msg.contact_id || !isMine(state, msg.agent_id)) return state;
      const notice =
        msg.outcome === 'accepted' || msg.outcome === 'rejected'
          ? null
          : { key: `offer.ended.${msg.outcome}`, vars: { id: msg.contact_id } };
      return { ...state, offer: null, notice };
    }
    case 'contact':
      return placeContact(state, msg.contact);
    case 'queue.stats':
      return onStats(state, msg.items, now);
    case 'message': {
      const { type: _t, ...m } = msg;
      return addChat(state, m.contact_id, [m]);
    }
    default:
      return state;
  }
}

function onStats(state: DeskState, items: QueueStats[], now: number): DeskState {
  const stats = { ...state.stats };
  for (const s of items) stats[s.queue] = s;
  return { ...state, stats, history: addSamples(state.history, items, now) };
}

export function reduce(state: DeskState, action: Action): DeskState {
  switch (action.kind) {
    case 'server':
      return onServer(state, action.msg, action.now);
    case 'me':
      if (!action.me) return { ...initialState };
      return {
        ...state,
        me: action.me,
        presence: action.me.presence ? { ...state.presence, [action.me.presence.agent_id]: action.me.presence } : state.presence,
      };
    case 'socket':
      return { ...state, connected: action.connected };
    case 'stats':
      return onStats(state, action.items, action.now);
    case 'history':
      return { ...state, history: mergeHistory(state.history, action.items, action.now) };
    case 'resync': {
      // What the server says now replaces what we thought (the offer may have expired
      // while we were away); an open wrap-up form is kept.
      let next: DeskState = { ...state, current: null };
      const ids = new Set(action.contacts.map((c) => c.id));
      if (next.offer && !ids.has(next.offer.contact.id)) next = { ...next, offer: null };
      for (const c of action.contacts) next = placeContact(next, c);
      if (next.offer) {
        const fresh = action.contacts.find((c) => c.id === next.offer!.contact.id);
        if (!fresh || fresh.state !== 'offered' || !isMine(next, fresh.agent_id)) next = { ...next, offer: null };
      }
      return next;
    }
    case 'accepted':
      return state.offer?.contact.id === action.contactId
        ? { ...state, current: { ...state.offer.contact, state: 'connected' }, offer: null }
        : state;
    case 'offerGone':
      return state.offer?.contact.id === action.contactId ? { ...state, offer: null } : state;
    case 'startWrapUp':
      if (!state.current) return state;
      return { ...state, wrapup: { contact: state.current, opened_at: action.now }, current: null };
    case 'closeWrapUp': {
      // The transcript of the closed contact is no longer needed here.
      if (!state.wrapup) return { ...state, wrapup: null };
      const { [state.wrapup.contact.id]: _gone, ...chats } = state.chats;
      return { ...state, wrapup: null, chats };
    }
    case 'chat':
      return addChat(state, action.contactId, action.messages);
    case 'dismissNotice':
      return { ...state, notice: null };
    case 'restore':
      return { ...state, wrapup: action.wrapup };
  }
}

// Seconds left on an offer (never negative).
export function secondsLeft(expiresAt: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
}

// "4:05" / "1:02:03" for a duration in ms.
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return (h > 0 ? `${h}:` : '') + `${mm}:${String(s).padStart(2, '0')}`;
}

// The agents a supervisor sees, by state then tier then id.
const STATE_ORDER = ['busy', 'reserved', 'wrap_up', 'ready', 'not_ready', 'offline'];
export function agentsByState<T extends { id: string; tier: number }>(
  agents: T[],
  presence: Record<string, Presence>,
): Array<T & { presence: Presence | undefined }> {
  return agents
    .map((a) => ({ ...a, presence: presence[a.id] }))
    .sort((x, y) => {
      const sx = STATE_ORDER.indexOf(x.presence?.state ?? 'offline');
      const sy = STATE_ORDER.indexOf(y.presence?.state ?? 'offline');
      return sx - sy || x.tier - y.tier || x.id.localeCompare(y.id);
    });
}
