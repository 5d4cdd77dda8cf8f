import { describe, expect, it } from 'vitest';
import { addSamples, agentsByState, mergeChat, mergeHistory, formatDuration, HISTORY_MS, initialState, reduce, secondsLeft, type DeskState } from './state';
import type { ChatMessage, Contact, Decision, Me, ServerMessage } from './types';

const me: Me = { username: 'agent01', role: 'agent', display_name: '王芳', agent_id: 'a01' };

function contact(over: Partial<Contact> = {}): Contact {
  return {
    id: 'c1', queue: 'retail-voice', channel: 'voice', language: 'zh-CN', segment: 'vip', value: 0, priority: 50,
    intent: { code: 'balance', confidence: 0.9 }, ivr_path: ['main', 'account'], attributes: {}, state: 'offered',
    agent_id: 'a01', arrived_at: '2026-01-01T00:00:00Z', offered_at: '2026-01-01T00:00:01Z', answered_at: null,
    ended_at: null, offers: 1, ...over,
  };
}

const decision: Decision = {
  contact_id: 'c1', agent_id: 'a01', at: '2026-01-01T00:00:01Z', trigger: 'contact', queue: 'retail-voice',
  strategy: 'longest_idle', ring: { step: 0, min_tier: 1, max_tier: 2 }, eligible: 3, practice: false,
  agent: { tier: 1, level: 5, idle_ms: 1000, reward_score: 1.8, occupancy: 0 }, effective_priority: 50, summary: 'why',
};

function run(state: DeskState, ...msgs: ServerMessage[]): DeskState {
  return msgs.reduce((s, msg) => reduce(s, { kind: 'server', msg, now: 1000 }), state);
}

const loggedIn = reduce(initialState, { kind: 'me', me });
const offerMsg: ServerMessage = { type: 'offer', contact: contact(), decision, expires_at: '2026-01-01T00:00:16Z' };

describe('desk state', () => {
  it('shows my offer, then the connected contact after accepting', () => {
    let s = run(loggedIn, { type: 'hello', user: { username: 'agent01', role: 'agent', agent_id: 'a01' }, server_time: '' }, offerMsg);
    expect(s.connected).toBe(true);
    expect(s.offer?.contact.id).toBe('c1');
    expect(s.decisions).toHaveLength(1);
    s = run(s, { type: 'offer.ended', contact_id: 'c1', agent_id: 'a01', outcome: 'accepted', at: '' },
      { type: 'contact', contact: contact({ state: 'connected', answered_at: '2026-01-01T00:00:05Z' }) });
    expect(s.offer).toBeNull();
    expect(s.current?.state).toBe('connected');
    expect(s.notice).toBeNull();
  });

  it("ignores other agents' offers but keeps their decisions for supervisors", () => {
    const s = run(loggedIn, { ...offerMsg, decision: { ...decision, agent_id: 'a02' }, contact: contact({ agent_id: 'a02' }) } as ServerMessage);
    expect(s.offer).toBeNull();
    expect(s.decisions[0].agent_id).toBe('a02');
  });

  it('tells the agent when an offer timed out', () => {
    const s = run(loggedIn, offerMsg, { type: 'offer.ended', contact_id: 'c1', agent_id: 'a01', outcome: 'timed_out', at: '' });
    expect(s.offer).toBeNull();
    expect(s.notice?.key).toBe('offer.ended.timed_out');
  });

  it('keeps wrap-up open until the agent closes it, whatever the server says', () => {
    let s = run(loggedIn, { type: 'contact', contact: contact({ state: 'connected' }) });
    s = reduce(s, { kind: 'startWrapUp', now: 5000 });
    expect(s.wrapup?.contact.id).toBe('c1');
    expect(s.current).toBeNull();
    // A late "connected" echo, a forced presence change, the contact completing: still open.
    s = run(s, { type: 'contact', contact: contact({ state: 'connected' }) },
      { type: 'presence', agent_id: 'a01', state: 'not_ready', reason: 'break', since: '', changed_by: 'supervisor', previous: 'busy' },
      { type: 'contact', contact: contact({ state: 'completed' }) });
    expect(s.wrapup?.contact.id).toBe('c1');
    expect(s.current).toBeNull();
    expect(s.me?.presence?.state).toBe('not_ready');
    s = reduce(s, { kind: 'closeWrapUp' });
    expect(s.wrapup).toBeNull();
  });

  it('opens wrap-up for a contact the server has in wrap-up (after a restart)', () => {
    const s = reduce(loggedIn, { kind: 'resync', contacts: [contact({ state: 'wrap_up' })] });
    expect(s.wrapup?.contact.id).toBe('c1');
  });

  it('resync drops an offer that is gone and restores the connected contact', () => {
    let s = run(loggedIn, offerMsg);
    s = reduce(s, { kind: 'socket', connected: false });
    expect(s.connected).toBe(false);
    s = reduce(s, { kind: 'resync', contacts: [contact({ state: 'completed' })] });
    expect(s.offer).toBeNull();
    s = run(loggedIn, offerMsg);
    s = reduce(s, { kind: 'resync', contacts: [contact({ state: 'connected' })] });
    expect(s.offer).toBeNull();
    expect(s.current?.id).toBe('c1');
    s = run(loggedIn, offerMsg);
    s = reduce(s, { kind: 'resync', contacts: [contact({ state: 'offered' })] });
    expect(s.offer?.contact.id).toBe('c1');
  });

  it('a contact taken from me leaves my view', () => {
    let s = run(loggedIn, { type: 'contact', contact: contact({ state: 'connected' }) });
    s = run(s, { type: 'contact', contact: contact({ state: 'queued', agent_id: null }) });
    expect(s.current).toBeNull();
  });

  it('presence snapshot and updates', () => {
    let s = run(loggedIn, { type: 'presence.snapshot', items: [{ agent_id: 'a01', state: 'offline', reason: null, since: '', changed_by: '' }] });
    expect(s.presence.a01.state).toBe('offline');
    s = run(s, { type: 'presence', agent_id: 'a01', state: 'ready', reason: null, since: '', changed_by: 'agent01', previous: 'offline' });
    expect(s.presence.a01.state).toBe('ready');
  });

  it('queue statistics keep one hour of samples', () => {
    const stats = { queue: 'q', waiting: 2, offered: 0, longest_wait_ms: 0, answered: 0, answered_in_threshold: 0, abandoned: 0, service_level: 1, average_speed_of_answer_ms: 0, abandon_rate: 0 };
    let h = addSamples({}, [stats], 0);
    h = addSamples(h, [{ ...stats, waiting: 3 }], HISTORY_MS / 2);
    h = addSamples(h, [{ ...stats, waiting: 4 }], HISTORY_MS + 1);
    expect(h.q.map((x) => x.waiting)).toEqual([3, 4]);
    const s = reduce(loggedIn, { kind: 'stats', items: [stats], now: 1 });
    expect(s.stats.q.waiting).toBe(2);
  });

  it("the server's hour of history goes under the page's own samples", () => {
    const local = addSamples({}, [{ queue: 'q', waiting: 7, offered: 0, longest_wait_ms: 0, answered: 0, answered_in_threshold: 0, abandoned: 0, service_level: 1, average_speed_of_answer_ms: 0, abandon_rate: 0 }], HISTORY_MS + 120_000);
    const merged = mergeHistory(local, [{ queue: 'q', points: [
      { at: new Date(0).toISOString(), waiting_max: 1, service_level: 1 },            // older than an hour
      { at: new Date(HISTORY_MS).toISOString(), waiting_max: 4, service_level: 0.5 },
      { at: new Date(HISTORY_MS + 180_000).toISOString(), waiting_max: 9, service_level: 1 }, // after the local sample
    ] }], HISTORY_MS + 120_000);
    expect(merged.q.map((x) => x.waiting)).toEqual([4, 7]);
  });

  it('logging out clears everything', () => {
    const s = reduce(run(loggedIn, offerMsg), { kind: 'me', me: null });
    expect(s).toEqual(initialState);
  });
});

describe('helpers', () => {
  it('formats durations and countdowns', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(secondsLeft('1970-01-01T00:00:10Z', 2_500)).toBe(8);
    expect(secondsLeft('1970-01-01T00:00:10Z', 20_000)).toBe(0);
  });

  it('orders agents by state, then tier', () => {
    const rows = agentsByState(
      [{ id: 'a2', tier: 2 }, { id: 'a1', tier: 1 }, { id: 'a3', tier: 1 }],
      { a2: { agent_id: 'a2', state: 'busy', reason: null, since: '', changed_by: '' }, a3: { agent_id: 'a3', state: 'ready', reason: null, since: '', changed_by: '' } },
    );
    expect(rows.map((r) => r.id)).toEqual(['a2', 'a3', 'a1']);
  });
});

describe('chat transcripts', () => {
  const msg = (seq: number, from: 'customer' | 'agent', text: string): ChatMessage => ({
    contact_id: 'c1', seq, at: '2026-01-01T00:00:00Z', from, author: from === 'agent' ? 'agent01' : 'supervisor',
    agent_id: from === 'agent' ? 'a01' : null, text,
  });

  it('merges live messages and re-reads by seq, without duplicates', () => {
    let s = run(loggedIn, { type: 'message', ...msg(2, 'agent', 'hello') });
    s = reduce(s, { kind: 'chat', contactId: 'c1', messages: [msg(1, 'customer', 'hi'), msg(2, 'agent', 'hello')] });
    s = run(s, { type: 'message', ...msg(3, 'customer', 'thanks') }, { type: 'message', ...msg(3, 'customer', 'thanks') });
    expect(s.chats.c1.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(s.chats.c1[2].text).toBe('thanks');
    expect(mergeChat(undefined, [msg(5, 'agent', 'x'), msg(4, 'customer', 'y')]).map((m) => m.seq)).toEqual([4, 5]);
  });

  it('keeps the transcript through wrap-up and drops it when the wrap-up closes', () => {
    let s = run(loggedIn, offerMsg);
    s = reduce(s, { kind: 'accepted', contactId: 'c1' });
    s = reduce(s, { kind: 'chat', contactId: 'c1', messages: [msg(1, 'customer', 'hi')] });
    s = reduce(s, { kind: 'startWrapUp', now: 5000 });
    expect(s.chats.c1).toHaveLength(1);
    s = reduce(s, { kind: 'closeWrapUp' });
    expect(s.chats.c1).toBeUndefined();
  });
});
