import { describe, expect, it } from 'vitest';
import { explainDecision } from './explain';
import { catalogues, translate } from './i18n';
import type { Decision } from './types';

const d: Decision = {
  contact_id: 'c1', agent_id: 'a03', at: '2026-01-01T00:00:01Z', trigger: 'ring_widened', queue: 'cards-voice',
  strategy: 'least_occupied', ring: { step: 1, min_tier: 1, max_tier: 3 }, eligible: 4, practice: false,
  agent: { tier: 1, level: 5, idle_ms: 42_000, reward_score: 1.7, occupancy: 0.25 }, effective_priority: 62.5,
  summary: 'T1 agent a03 (cards 5), idle 42 s, least occupied of 4 in T1–T3',
};

const zh = (key: string, vars?: Record<string, string | number>) => translate(catalogues['zh-CN'], key, vars);
const en = (key: string, vars?: Record<string, string | number>) => translate(catalogues.en, key, vars);

describe('decision explanation', () => {
  it('reads in Chinese from the structured fields, not the English summary', () => {
    const lines = explainDecision(d, zh, '张伟');
    expect(lines[0]).toBe('在 T1–T3 层级的 4 名符合条件坐席中，按「最低占用」选中 张伟（T1）。');
    expect(lines.join('\n')).toContain('占用 25%');
    expect(lines.join('\n')).toContain('等级为 5');
    expect(lines.join('\n')).toContain('响铃范围扩大到第 2 级');
    expect(lines.join('\n')).toContain('有效优先级 62.5');
    expect(lines.join('\n')).not.toMatch(/[a-z]{4,}/); // no English words left
  });

  it('reads in English too, and names practice offers and unknown strategies', () => {
    expect(explainDecision(d, en, 'Zhang Wei')[0]).toBe('Zhang Wei (T1) was chosen by least occupied among 4 eligible agents in tiers T1–T3.');
    const practice = explainDecision({ ...d, practice: true, strategy: 'practice' }, zh, '徐丽');
    expect(practice[0]).toContain('练习分配');
    expect(practice[1]).toContain('定向练习');
    const custom = explainDecision({ ...d, strategy: 'lua:demo-bank', trigger: 'something_new' }, en, 'x');
    expect(custom[0]).toContain('lua:demo-bank');
    expect(custom.join(' ')).toContain('something_new');
  });
});
