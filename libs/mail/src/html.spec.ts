import { escapeHtml, html, SafeHtml, textToHtml } from './html';

describe('html escaping', () => {
  it('escapes every character that can open markup or leave an attribute', () => {
    expect(escapeHtml(`<script>alert("x") & 'y'</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;',
    );
  });

  it('escapes interpolations in the html template unless they are SafeHtml', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(html`<div>${new SafeHtml('<b>ok</b>')}${[name, '&']}</div>`.value).toBe(
      '<div><b>ok</b>&lt;img src=x onerror=alert(1)&gt;&amp;</div>',
    );
  });

  it('turns plain text into escaped paragraphs with clickable links', () => {
    const out = textToHtml('Hi <Dana> & co,\n\nOpen https://tandem.example/offers/abc?x=1&y=2 now\nThanks');
    expect(out).toContain('<p>Hi &lt;Dana&gt; &amp; co,</p>');
    expect(out).toContain(
      '<a href="https://tandem.example/offers/abc?x=1&amp;y=2">https://tandem.example/offers/abc?x=1&amp;y=2</a> now<br>Thanks',
    );
    expect(textToHtml('see "https://x.example/"onmouseover=alert(1)')).not.toContain('"onmouseover');
  });

  it('names the language of the text, and only a language subtag', () => {
    expect(textToHtml('Hallo', 'de')).toMatch(/^<!doctype html><html lang="de"><body /);
    expect(textToHtml('Hi')).toMatch(/^<!doctype html><html><body /);
    expect(textToHtml('Hi', '"><script>')).toMatch(/^<!doctype html><html><body /);
  });
});

describe('formatInstant', () => {
  it('shows an instant in the recipient’s time zone, across daylight saving', () => {
    const { formatInstant } = jest.requireActual('./i18n') as typeof import('./i18n');
    expect(formatInstant(new Date('2026-01-15T12:00:00Z'), 'Europe/Paris')).toMatch(/15 Jan 2026.*13:00/);
    expect(formatInstant(new Date('2026-07-15T12:00:00Z'), 'Europe/Paris')).toMatch(/15 Jul 2026.*14:00/);
  });
});
