import { describe, expect, it } from 'vitest';
import { readSpeedscopeAssets, renderFlameViewerHtml } from './render-flame-viewer.js';

const profile = {
  head: { callFrame: { functionName: '(root)', url: '', lineNumber: 0, columnNumber: 0 }, selfSize: 0, children: [
    { callFrame: { functionName: 'resolveKeyMeta', url: 'file:///app/leaky.js', lineNumber: 3, columnNumber: 1 }, selfSize: 4096, children: [] },
  ] },
};

describe('renderFlameViewerHtml', () => {
  const assets = readSpeedscopeAssets();
  const html = renderFlameViewerHtml(JSON.stringify(profile), 'unbounded-map leaky </script> allocations', assets);

  it('is one self-contained file: script, stylesheet and font inline, nothing fetched', () => {
    expect(assets.version).toBe('1.25.0');
    expect(/<(script|img|iframe)[^>]+src=/i.test(html)).toBe(false);
    expect(/<link[^>]+href="(?!data:)/i.test(html)).toBe(false);
    // Every url(...) of the stylesheet is a data URL (the font).
    for (const m of html.matchAll(/url\(("?)([^)"]*)\1\)/g)) expect(m[2]).toMatch(/^data:/);
    expect(html.includes('data:font/woff2;base64,')).toBe(true);
    expect(html.includes("default-src 'none'")).toBe(true);
    expect(html.includes('sourceMappingURL')).toBe(false);
  });

  it('embeds the profile under a .heapprofile name, and a title cannot close the script', () => {
    // Booleans: a failing toContain would print the whole 600 KB page.
    expect(html.includes(Buffer.from(JSON.stringify(profile)).toString('base64'))).toBe(true);
    expect(html.includes('"unbounded-map leaky _script_ allocations.heapprofile"')).toBe(true);
    // Exactly the two scripts of the page close: the title's </script> did not.
    expect((html.match(/<\/script>/g) ?? []).length).toBe(2);
  });
});
