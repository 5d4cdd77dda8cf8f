// The live WebSocket (/api/v1/ws): reconnects on its own with capped, jittered
// exponential backoff; the caller re-reads state on every (re)connect ("hello").

import type { ServerMessage } from './types';

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 15000;

// Delay before reconnect attempt `attempt` (0-based): 0.5 s, 1 s, 2 s … up to 15 s,
// each with ±50 % jitter so a room of desktops does not reconnect in lockstep.
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.5 + random()));
}

export interface LiveHandlers {
  onMessage(msg: ServerMessage): void;
  onState(connected: boolean): void;
  onAuthFailed(): void; // the session is gone: log in again
}

type SocketLike = {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(text: string): void;
  close(): void;
};

export interface LiveDeps {
  open(url: string): SocketLike;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(t: unknown): void;
  random(): number;
}

const browserDeps = (): LiveDeps => ({
  open: (url) => new WebSocket(url) as unknown as SocketLike,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  random: Math.random,
});

export class LiveSocket {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private pingTimer: unknown = null;
  private stopped = false;
  readonly deps: LiveDeps;

  constructor(
    private readonly url: string,
    private readonly handlers: LiveHandlers,
    deps?: LiveDeps,
  ) {
    this.deps = deps ?? browserDeps();
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    if (this.pingTimer !== null) this.deps.clearTimer(this.pingTimer);
    this.timer = this.pingTimer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close();
    }
  }

  // Drops the connection as a network fault would (the reconnect logic takes over).
  drop(): void {
    this.socket?.close();
  }

  get attempts(): number {
    return this.attempt;
  }

  private connect(): void {
    this.timer = null;
    let s: SocketLike;
    try {
      s = this.deps.open(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    s.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'hello') {
        this.attempt = 0;
        this.handlers.onState(true);
        this.schedulePing();
      }
      this.handlers.onMessage(msg);
    };
    s.onclose = (ev) => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.pingTimer !== null) this.deps.clearTimer(this.pingTimer);
      this.pingTimer = null;
      this.handlers.onState(false);
      if (ev.code === 4401) {
        this.stopped = true;
        this.handlers.onAuthFailed();
        return;
      }
      this.scheduleReconnect();
    };
    s.onerror = () => {
      /* onclose follows */
    };
  }

  private schedulePing(): void {
    this.pingTimer = this.deps.setTimer(() => {
      try {
        this.socket?.send(JSON.stringify({ type: 'ping' }));
      } catch {
        /* the close event handles it */
      }
      this.schedulePing();
    }, 20000);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.deps.random);
    this.attempt += 1;
    this.timer = this.deps.setTimer(() => this.connect(), delay);
  }
}

export function wsUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/ws`;
}
