import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, LiveSocket, backoffDelay, wsUrl, type LiveDeps } from './live';
import type { ServerMessage } from './types';

class FakeSocket {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: string[] = [];
  closed = false;
  send(text: string) { this.sent.push(text); }
  close() { this.closed = true; this.onclose?.({ code: 1006 }); }
  hello() { this.onmessage?.({ data: JSON.stringify({ type: 'hello', user: {}, server_time: '' }) }); }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number; live: boolean }> = [];
  const deps: LiveDeps = {
    open: () => { const s = new FakeSocket(); sockets.push(s); return s; },
    setTimer: (fn, ms) => { const t = { fn, ms, live: true }; timers.push(t); return t; },
    clearTimer: (t) => { (t as { live: boolean }).live = false; },
    random: () => 0.5,
  };
  const states: boolean[] = [];
  const msgs: ServerMessage[] = [];
  let authFailed = 0;
  const live = new LiveSocket('ws://x/api/v1/ws', {
    onMessage: (m) => msgs.push(m), onState: (c) => states.push(c), onAuthFailed: () => { authFailed++; },
  }, deps);
  const fire = () => { const t = timers.filter((x) => x.live && x.ms < 20000).shift(); if (t) { t.live = false; t.fn(); } return t; };
  return { live, sockets, timers, states, msgs, fire, authFailed: () => authFailed };
}

describe('backoff', () => {
  it('doubles from 0.5 s up to the cap, with jitter', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(500);
    expect(backoffDelay(1, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
    expect(backoffDelay(50, () => 0.5)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 0.999)).toBeLessThanOrEqual(750);
  });
  it('builds ws and wss URLs', () => {
    expect(wsUrl({ protocol: 'http:', host: 'h:1' })).toBe('ws://h:1/api/v1/ws');
    expect(wsUrl({ protocol: 'https:', host: 'h' })).toBe('wss://h/api/v1/ws');
  });
});

describe('LiveSocket', () => {
  it('reconnects with growing delays and resets after a hello', () => {
    const h = harness();
    h.live.start();
    expect(h.sockets).toHaveLength(1);
    h.sockets[0].hello();
    expect(h.states).toEqual([true]);
    h.sockets[0].close();
    expect(h.states).toEqual([true, false]);
    expect(h.fire()?.ms).toBe(500);
    expect(h.sockets).toHaveLength(2);
    h.sockets[1].close();
    expect(h.fire()?.ms).toBe(1000);
    h.sockets[2].hello();
    expect(h.live.attempts).toBe(0);
    expect(h.msgs.filter((m) => m.type === 'hello')).toHaveLength(2);
  });

  it('stops on an auth failure (4401) and after stop()', () => {
    const h = harness();
    h.live.start();
    h.sockets[0].onclose?.({ code: 4401 });
    expect(h.authFailed()).toBe(1);
    expect(h.fire()).toBeUndefined();
    const g = harness();
    g.live.start();
    g.live.stop();
    expect(g.sockets[0].closed).toBe(true);
    expect(g.fire()).toBeUndefined();
  });

  it('ignores malformed frames', () => {
    const h = harness();
    h.live.start();
    h.sockets[0].onmessage?.({ data: 'not json' });
    expect(h.msgs).toHaveLength(0);
  });
});
