// One escaper makes text safe for XML and HTML, in text and in attributes.

import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../src/report/escape-xml.ts';

describe('escapeXml', () => {
  it('escapes markup and both quotes, so the text is safe as element text and in any attribute', () => {
    expect(escapeXml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
    );
  });

  it('escapes each ampersand once, including ones that look like references', () => {
    expect(escapeXml('&amp; &#39; &')).toBe('&amp;amp; &amp;#39; &amp;');
  });

  it('drops the control characters XML 1.0 forbids and keeps tab, newline and carriage return', () => {
    expect(escapeXml('a\u0000b\u001b[31mc\u0007\td\ne\rf')).toBe('ab[31mc\td\ne\rf');
  });

  it('leaves other text alone, non-ASCII included', () => {
    expect(escapeXml('client → 203.0.113.1:80 ✓ ×2')).toBe('client → 203.0.113.1:80 ✓ ×2');
  });
});
