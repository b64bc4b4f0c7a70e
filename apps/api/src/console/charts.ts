import { html, type SafeHtml } from '@tandem/mail';

/** One bar of a chart; a null value is a withheld figure (fewer answers than the minimum). */
export interface Bar {
  label: string;
  value: number | null;
  /** Shown after the bar instead of the value. */
  text?: string;
}

const COLORS = ['#1d4ed8', '#0f766e', '#b45309', '#7c3aed', '#be185d', '#4b5563'];

/**
 * A horizontal bar chart drawn as SVG (no library): each row is its label on one line and the bar with its figure
 * below, 360 units wide, so at a phone's width (about 358 px) the text keeps its 13 px. The SVG is an image with a
 * text alternative; the same figures follow as a table for screen readers and copying.
 */
export function barChart(
  id: string,
  title: string,
  bars: Bar[],
  max: number,
  options: { color?: number; unit?: string } = {},
): SafeHtml {
  const rowHeight = 46;
  const width = 360;
  const barWidth = 160;
  const height = bars.length * rowHeight + 6;
  const scale = max > 0 ? barWidth / max : 0;
  const shown = (b: Bar) =>
    b.text ??
    (b.value === null ? 'withheld (fewer than 3 people answered)' : `${formatNumber(b.value)}${options.unit ?? ''}`);
  // The figure beside the bar has about 190 units: a withheld figure says so briefly (the table says it in full).
  const short = (b: Bar) => (b.text === undefined && b.value === null ? 'withheld (under 3 people)' : shown(b));
  const summary = bars.map((b) => `${b.label}: ${shown(b)}`).join('; ');
  return html`<figure class="chart">
<figcaption id="${id}-title"><strong>${title}</strong></figcaption>
<svg class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<desc id="${id}-desc">${summary}</desc>
${bars.map((b, i) => {
  const y = 4 + i * rowHeight;
  const w = b.value === null ? 0 : Math.max(b.value > 0 ? 2 : 0, Math.min(barWidth, b.value * scale));
  return html`<text x="0" y="${y + 14}" font-size="13" fill="#1b1f24">${b.label}</text>
<rect x="0" y="${y + 21}" width="${barWidth}" height="16" fill="#eef1f5"></rect>
<rect x="0" y="${y + 21}" width="${w.toFixed(1)}" height="16" fill="${COLORS[(options.color ?? i) % COLORS.length]}"></rect>
<text x="${barWidth + 8}" y="${y + 34}" font-size="13" fill="#1b1f24">${short(b)}</text>`;
})}
</svg>
<details><summary>${title} as a table</summary><table><tbody>${bars.map((b) => html`<tr><th scope="row">${b.label}</th><td>${shown(b)}</td></tr>`)}</tbody></table></details>
</figure>`;
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
