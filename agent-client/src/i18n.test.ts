import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogues, initialLang, translate } from './i18n';

describe('translations', () => {
  it('zh-CN and en have the same keys and no empty strings', () => {
    const zh = Object.keys(catalogues['zh-CN']).sort();
    const en = Object.keys(catalogues.en).sort();
    expect(zh).toEqual(en);
    for (const table of Object.values(catalogues)) for (const v of Object.values(table)) expect(v.trim()).not.toBe('');
  });

  it('every literal key used in the source is translated', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const missing: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.tsx'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g)) if (!(m[1] in catalogues.en)) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('fills placeholders and defaults to zh-CN', () => {
    expect(translate({ a: 'x {n} y {m}' }, 'a', { n: 1 })).toBe('x 1 y {m}');
    expect(translate({}, 'missing')).toBe('missing');
    expect(initialLang(null)).toBe('zh-CN');
    expect(initialLang('en')).toBe('en');
    expect(initialLang('fr')).toBe('zh-CN');
  });
});
