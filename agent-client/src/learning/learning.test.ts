import { describe, expect, it } from 'vitest';
import { heatColor, markdownToHtml } from './api';
import en from '../i18n/learning.en.json';
import zh from '../i18n/learning.zh-CN.json';

describe('learning helpers', () => {
  it('renders lesson Markdown as HTML with every tag from the lesson escaped', () => {
    const html = markdownToHtml('# Title\n\nFirst **bold** line\nsecond line\n\n- one\n- two\n\n1. a\n2. b\n\n<script>alert(1)</script>');
    expect(html).toContain('<h3>Title</h3>');
    expect(html).toContain('<p>First <strong>bold</strong> line second line</p>');
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(html).toContain('<ol>\n<li>a</li>\n<li>b</li>\n</ol>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(markdownToHtml('<img src=x onerror=alert(1)>')).not.toContain('<img');
  });

  it('colours the heat map against the threshold', () => {
    expect(heatColor(undefined, 3.5)).toBe('transparent');
    expect(heatColor(2.5, 3.5)).not.toBe(heatColor(3.2, 3.5));
    expect(heatColor(3.2, 3.5)).not.toBe(heatColor(4.6, 3.5));
  });

  it('has the same learning strings in zh-CN and English', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });
});
