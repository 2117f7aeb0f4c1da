import { describe, expect, it } from 'vitest';
import { offlineClinicHtml } from './clinic-heap-profiler.js';

describe('offlineClinicHtml', () => {
  // The shape of Clinic's page: the font stylesheet URL sits inside its bundled script.
  const page = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Clinic Heap Profiler</title></head>
<body><script>const styleSheetUrl = 'https://clinicjs.org/assets/css/fonts.css'; WebFont.load({ custom: { urls: [styleSheetUrl] } })</script>
<a href="https://clinicjs.org/heap-profiler/">logo</a></body></html>`;
  const offline = offlineClinicHtml(page);

  it('replaces the font stylesheet with an empty data: stylesheet', () => {
    expect(offline).not.toContain('clinicjs.org/assets/css');
    expect(offline).toContain("const styleSheetUrl = 'data:text/css,'");
  });

  it('puts a Content-Security-Policy that allows no fetch first in <head>, and keeps plain links', () => {
    expect(offline).toMatch(/<head>\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline' data:; img-src data:; font-src data:">/);
    expect(offline).toContain('<a href="https://clinicjs.org/heap-profiler/">');
  });

  it('refuses a page without a head rather than write one the policy does not cover', () => {
    expect(() => offlineClinicHtml('<html><body></body></html>')).toThrow(/without a <head>/);
  });
});
