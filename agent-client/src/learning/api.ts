// The learning API as the desktop sees it (docs/learning.md, docs/api/openapi.yaml tag
// `learning`), and small helpers shared by the learning views.

import { lang } from '../i18n';

export interface Text {
  'zh-CN': string;
  en: string;
}

// The text in the current language (the other one when it is empty).
export function tx(t: Text | undefined | null): string {
  if (!t) return '';
  return lang() === 'en' ? t.en || t['zh-CN'] : t['zh-CN'] || t.en;
}

export interface Reason {
  kind: 'below_threshold' | 'below_team' | 'team_wide' | 'next_tier' | 'frequent_error';
  item: string;
  text: Text;
}

export interface Step {
  kind: 'lesson' | 'quiz' | 'drill';
  course: string;
  ref: string;
  title: Text;
  item: string;
  skill?: string;
  minutes: number;
  group: boolean;
  reasons: Reason[];
}

export interface WeakItem {
  item: string;
  name?: Text;
  score: number;
  team: number | null;
}

export interface LearningMap {
  agent: string;
  team: string;
  threshold: number;
  weak_items: WeakItem[];
  steps: Step[];
  uncovered: string[];
  next_tier: Array<{ skill: string; name: Text; tier: number; required: number; current: number; why: Text }>;
  frequent_errors: Array<{ kind: string; course: string; ref: string; point: string; text: Text; misses: number; attempts: number }>;
  done: number;
}

export interface Lesson {
  id: string;
  title: Text;
  format: 'markdown' | 'html';
  minutes: number;
  files: Text;
  media: Array<{ path: string; type: string }>;
}

export interface Question {
  id: string;
  prompt: Text;
  multiple: boolean;
  points: number;
  options: Text[];
}

export interface Quiz {
  id: string;
  title: Text;
  items: string[];
  pass_mark: number;
  questions: Question[];
}

export interface Course {
  id: string;
  version: number;
  title: Text;
  summary: Text;
  items: string[];
  minutes: number;
  lessons: Lesson[];
  quizzes: Quiz[];
  drills: Array<{ id: string; title: Text; file: string; items: string[] }>;
}

export interface QuizResult {
  passed: boolean;
  points: number;
  max_points: number;
  fraction: number;
  questions: Array<{ id: string; correct: boolean; points: number; explanation: Text }>;
  routing: { practice_added: string[]; levels_raised: Array<{ skill: string; from: number; to: number }> } | null;
}

export interface DrillScript {
  customer_turns?: Text[];
  turns?: Text[];
  time_limit_seconds?: number;
}

export interface DrillResult {
  fraction: number;
  over_time: boolean;
  covered: Text[];
  missed: Text[];
  avoid_used: Text[];
}

export interface Progress {
  agent: string;
  points: number;
  level: number;
  streak_days: number;
  longest_streak: number;
  lessons: number;
  quizzes_passed: number;
  badges: Array<{ code: string; earned_at: string }>;
  leaderboard_hidden?: boolean;
}

export interface Framework {
  dimensions: Array<{ code: string; name: Text; items: Array<{ code: string; name: Text }> }>;
}

export interface TeamReport {
  team: string;
  threshold: number;
  items: Record<string, number>;
  agents: Record<string, Record<string, number>>;
  before_after?: Record<string, { before: number | null; after: number; delta: number | null }>;
  group_plan: { items: Array<WeakItem & { share_below: number }>; steps: Step[] };
}

export const fileUrl = (course: string, path: string) =>
  `/api/v1/learning/courses/${encodeURIComponent(course)}/file?path=${encodeURIComponent(path)}`;

// Markdown lessons as simple, safe HTML: headings, lists, bold, paragraphs (text is escaped).
export function markdownToHtml(md: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const inline = (s: string) => esc(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>');
  const out: string[] = [];
  let list: 'ul' | 'ol' | null = null;
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  const closeList = () => {
    if (list) out.push(`</${list}>`);
    list = null;
  };
  for (const raw of md.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    const ul = /^\s*[-*]\s+(.*)$/.exec(line);
    const ol = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (h) {
      flush();
      closeList();
      const level = Math.min(h[1].length + 2, 6);
      out.push(`<h${level}>${inline(h[2])}</h${level}>`);
    } else if (ul || ol) {
      flush();
      const kind = ul ? 'ul' : 'ol';
      if (list !== kind) {
        closeList();
        out.push(`<${kind}>`);
        list = kind;
      }
      out.push(`<li>${inline((ul ?? ol)![1])}</li>`);
    } else if (line.trim() === '') {
      flush();
      closeList();
    } else {
      closeList();
      para.push(line.trim().replace(/^>\s?/, ''));
    }
  }
  flush();
  closeList();
  return out.join('\n');
}

// A team heat map cell: red (1) … amber (threshold) … green (5).
export function heatColor(score: number | undefined, threshold: number): string {
  if (score === undefined) return 'transparent';
  if (score < threshold - 0.5) return '#f4b6b0';
  if (score < threshold) return '#f9dca4';
  if (score < 4.2) return '#d8ecc4';
  return '#a9d99a';
}
