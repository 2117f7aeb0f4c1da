import { describe, expect, it } from 'vitest';
import { buildFixtureReport } from './build-fixture-report.js';
import { REASON_FOLD_CHARS, reasonHtml, verdictTableHtml } from './page-html.js';
import { labelRuns } from './render-report-html.js';

describe('verdict table', () => {
  it('puts each reason on its own full-width row below the figures, not in a squeezed column', () => {
    const html = verdictTableHtml(labelRuns(buildFixtureReport().runs));
    const headerCells = (html.match(/<thead>[\s\S]*?<\/thead>/)?.[0].match(/<th[ >]/g) ?? []).length;
    const figureRow = html.match(/<tr class="run">[\s\S]*?<\/tr>/)?.[0] ?? '';
    expect((figureRow.match(/<td[ >]/g) ?? []).length).toBe(headerCells);
    expect(html).toContain(`<tr class="why"><td colspan="${headerCells}"`);
    expect(html).not.toMatch(/<th>why<\/th>/);
  });

  it(`folds a reason longer than ${REASON_FOLD_CHARS} characters after its first sentence into a details element`, () => {
    expect(REASON_FOLD_CHARS).toBe(400);
    const short = 'x'.repeat(REASON_FOLD_CHARS);
    expect(reasonHtml(short)).not.toContain('<details>');
    const first = 'One accumulation point grew at every step.';
    const long = `${first} ${'The trend agrees with it again and again. '.repeat(12)}`;
    const html = reasonHtml(long);
    expect(html).toMatch(/^<details><summary>.*One accumulation point grew at every step\. <span class="muted">\(more\)<\/span><\/summary>The trend agrees/);
    // Nothing is lost: every word of the reason is on the page.
    expect(html.replace(/<[^>]+>/g, '').replace('(more)', '').replace(/^why/, '').replace(/\s+/g, ' ').trim()).toBe(long.replace(/\s+/g, ' ').trim());
  });

  it('folds a long reason with no sentence end at the last whole word, escaped', () => {
    const long = `<b>${'word '.repeat(120)}</b>`;
    const html = reasonHtml(long);
    expect(html).toContain('<details>');
    expect(html).not.toContain('<b>');
    expect(html).toMatch(/word <span class="muted">\(more\)<\/span><\/summary>word/);
  });
});
