const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/** A tagged template that escapes every interpolated value unless it is already `SafeHtml`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += renderValue(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Markup that has been escaped already. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function renderValue(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  return escapeHtml(value);
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;

/**
 * The HTML part of a plain-text email: escaped paragraphs, line breaks kept, links made clickable. Deriving it at send
 * time keeps one source of truth per message and halves what the outbox stores.
 */
export function textToHtml(text: string, locale?: string | null): string {
  const paragraphs = text.split(/\n{2,}/).map((paragraph) => `<p>${linkify(paragraph).replace(/\n/g, '<br>')}</p>`);
  const lang = locale && /^[a-z]{2,3}$/.test(locale) ? ` lang="${locale}"` : '';
  return `<!doctype html><html${lang}><body style="font-family:sans-serif;line-height:1.5;max-width:40em">\n${paragraphs.join('\n')}\n</body></html>`;
}

/** Escapes text and wraps each http(s) URL in a link (the URL escaped as well). */
function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = escapeHtml(match[0]);
    out += escapeHtml(text.slice(last, match.index)) + `<a href="${url}">${url}</a>`;
    last = match.index! + match[0].length;
  }
  return out + escapeHtml(text.slice(last));
}
