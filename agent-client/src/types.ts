// Shapes of what outpostd sends (docs/api/openapi.yaml, firmware/api/ws_hub.cpp).

export type Role = 'agent' | 'supervisor' | 'admin';
export type PresenceState = 'offline' | 'ready' | 'not_ready' | 'reserved' | 'busy' | 'wrap_up';
export type ContactState = 'queued' | 'offered' | 'connected' | 'wrap_up' | 'completed' | 'abandoned' | 'cancelled';

export interface Name {
  zh: string;
  en: string;
}

export interface Presence {
  agent_id: string;
  state: PresenceState;
  reason: string | null;
  since: string;
  changed_by: string;
}

export interface Agent {
  id: string;
  name: Name;
  tier: number;
  team: string;
  languages: string[];
}

export interface Me {
  username: string;
  role: Role;
  display_name: string;
  agent_id: string | null;
  agent?: Agent;
  presence?: Presence;
}

export interface Contact {
  id: string;
  queue: string;
  channel: 'voice' | 'chat';
  language: string;
  segment: string;
  value: number;
  priority: number;
  intent: { code: string; confidence: number };
  ivr_path: string[];
  attributes: Record<string, unknown>;
  state: ContactState;
  agent_id: string | null;
  arrived_at: string;
  offered_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  offers: number;
}

export interface Decision {
  contact_id: string;
  agent_id: string;
  at: string;
  trigger: string;
  queue: string;
  strategy: string;
  ring: { step: number; min_tier: number; max_tier: number };
  eligible: number;
  practice: boolean;
  agent: { tier: number; level: number; idle_ms: number; reward_score: number; occupancy: number };
  effective_priority: number;
  summary: string;
}

export interface QueueStats {
  queue: string;
  waiting: number;
  offered: number;
  longest_wait_ms: number;
  answered: number;
  answered_in_threshold: number;
  abandoned: number;
  service_level: number;
  average_speed_of_answer_ms: number;
  abandon_rate: number;
}

export interface Queue {
  code: string;
  name: Name;
  channel: string;
  sl_target_pct: number;
  sl_threshold_s: number;
  offer_timeout_s: number;
}

export interface Coded {
  code: string;
  name: Name;
  active?: boolean;
}

export interface Offer {
  contact: Contact;
  decision: Decision;
  expires_at: string;
}

export interface MyDay {
  handled: number;
  average_handling_s: number;
  fcr_rate: number;
  resolved: number;
}

export interface ChatMessage {
  contact_id: string;
  seq: number;
  at: string;
  from: 'customer' | 'agent';
  author: string;
  agent_id: string | null;
  text: string;
}

export type ServerMessage =
  | { type: 'hello'; user: { username: string; role: Role; agent_id: string | null }; server_time: string }
  | { type: 'presence.snapshot'; items: Presence[] }
  | ({ type: 'presence'; previous: PresenceState } & Presence)
  | { type: 'contact'; contact: Contact; position?: number }
  | ({ type: 'offer' } & Offer)
  | { type: 'offer.ended'; contact_id: string; agent_id: string; outcome: string; at: string }
  | { type: 'queue.stats'; items: QueueStats[] }
  | ({ type: 'message' } & ChatMessage)
  | { type: 'pong'; server_time: string }
  | { type: 'error'; detail: string };
