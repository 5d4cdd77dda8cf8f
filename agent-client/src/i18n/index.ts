// Translations: every string the desktop shows is in zh-CN.json / en.json (same keys;
// i18n.test.ts checks). zh-CN is the default; the choice is remembered per browser.

import zh from './zh-CN.json';
import en from './en.json';
import learningZh from './learning.zh-CN.json';
import learningEn from './learning.en.json';

export type Lang = 'zh-CN' | 'en';
export const LANGS: Lang[] = ['zh-CN', 'en'];
const tables: Record<Lang, Record<string, string>> = { 'zh-CN': { ...zh, ...learningZh }, en: { ...en, ...learningEn } };
const STORE_KEY = 'outpost.lang';

let current: Lang = 'zh-CN';

export function initialLang(stored: string | null): Lang {
  return stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(STORE_KEY, lang);
  } catch {
    /* private mode */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function loadLang(): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORE_KEY);
  } catch {
    stored = null;
  }
  setLang(initialLang(stored));
  return current;
}

export function lang(): Lang {
  return current;
}

// The text for `key` with {name} placeholders filled; the key itself if missing.
export function translate(table: Record<string, string>, key: string, vars?: Record<string, string | number>): string {
  const text = table[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
}

export function t(key: string, vars?: Record<string, string | number>): string {
  return translate(tables[current], key, vars);
}

// A bilingual name from the site directory.
export function nameOf(n: { zh: string; en: string } | undefined, fallback = ''): string {
  if (!n) return fallback;
  return current === 'en' ? n.en || n.zh : n.zh || n.en;
}

export const catalogues = tables;
