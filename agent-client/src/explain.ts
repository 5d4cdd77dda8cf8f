// A routing decision explained from its structured fields (codec/routing_codec.cpp
// encode(Decision)) through translation strings, so it reads in the desktop's language
// instead of the server's one-line English `summary`. Pure (explain.test.ts).

import { formatDuration } from './state';
import type { Decision } from './types';

export type Tr = (key: string, vars?: Record<string, string | number>) => string;

const KNOWN_STRATEGIES = ['longest_idle', 'least_occupied', 'reward_weighted', 'practice'];
const KNOWN_TRIGGERS = ['contact_arrived', 'agent_available', 'ring_widened', 'offer_declined', 'restart', 'queue_changed'];

// A translated key, or `fallback` when the table has none (e.g. a strategy a rule bundle named).
function known(tr: Tr, key: string, fallback: string): string {
  const s = tr(key);
  return s === key ? fallback : s;
}

const pct = (x: number) => Math.round(x * 100);

// The lines of an explanation: the headline (who, and by which rule), why this agent
// by the strategy's own figure, what started the decision, and the contact's priority.
export function explainDecision(d: Decision, tr: Tr, agentName: string): string[] {
  const strategy = d.practice ? 'practice' : d.strategy;
  const strategyName = known(tr, `strategy.${strategy}`, strategy);
  const lines: string[] = [];
  lines.push(
    tr('explain.headline', {
      agent: agentName || d.agent_id,
      tier: d.agent.tier,
      min: d.ring.min_tier,
      max: d.ring.max_tier,
      eligible: d.eligible,
      strategy: strategyName,
    }),
  );
  const figures = {
    idle: formatDuration(d.agent.idle_ms),
    level: d.agent.level,
    occupancy: pct(d.agent.occupancy),
    score: d.agent.reward_score.toFixed(1),
  };
  if (KNOWN_STRATEGIES.includes(strategy)) lines.push(tr(`explain.by.${strategy}`, figures));
  else lines.push(tr('explain.by.other', { ...figures, strategy }));
  if (d.agent.level > 0) lines.push(tr('explain.level', figures));
  const trigger = KNOWN_TRIGGERS.includes(d.trigger) ? tr(`explain.trigger.${d.trigger}`, { step: d.ring.step + 1 }) : d.trigger;
  lines.push(tr('explain.trigger', { trigger }));
  lines.push(tr('explain.priority', { priority: Math.round(d.effective_priority * 10) / 10 }));
  return lines;
}
