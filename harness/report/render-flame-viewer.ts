/**
 * The interactive flame graph of a sampling heap profile: speedscope's offline build (npm
 * `speedscope`, its `dist/release` folder) with the profile, its script, stylesheet and font all
 * inlined into ONE HTML file, so the page opens from disk with no request at view time.
 *
 * speedscope's own command loads a profile by opening its page with `#localProfilePath=<file>`: the
 * page then defines `window.speedscope.loadFileFromBase64` and appends a `<script src="file:///…">`
 * that calls it. Here the profile is already in the page, so a small shim catches that script
 * element before it is appended (no request) and makes the call itself. The shim depends on that
 * documented hand-off of the pinned speedscope version; the browser test
 * (`flame-viewer-browser.int.test.ts`) fails if a new version changes it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The files of speedscope's offline build that the page inlines. */
export interface SpeedscopeAssets {
  version: string;
  script: string;
  stylesheet: string;
  /** Source Code Pro, referenced by the stylesheet with a relative URL. */
  fontWoff2: Buffer;
}

/** File name a variant's interactive flame graph page gets inside the run directory. */
export function flameViewerFileName(variant: string): string {
  return `${variant}-allocation-flame.html`;
}

/** Reads speedscope's offline build from the installed package. */
export function readSpeedscopeAssets(): SpeedscopeAssets {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('speedscope/package.json');
  const release = path.join(path.dirname(pkgFile), 'dist', 'release');
  const { version } = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };
  const index = readFileSync(path.join(release, 'index.html'), 'utf8');
  const scriptName = index.match(/<script src="([^"]+\.js)"/)?.[1];
  const cssName = index.match(/<link rel="stylesheet" href="([^"]+\.css)"/)?.[1];
  if (scriptName === undefined || cssName === undefined) {
    throw new Error(`speedscope ${version}: its dist/release/index.html no longer names one script and one stylesheet`);
  }
  const stylesheet = readFileSync(path.join(release, cssName), 'utf8');
  const fontName = stylesheet.match(/url\("\.\/([^"]+\.woff2)"\)/)?.[1];
  if (fontName === undefined) throw new Error(`speedscope ${version}: its stylesheet no longer names a woff2 font`);
  return {
    version,
    script: readFileSync(path.join(release, scriptName), 'utf8'),
    stylesheet,
    fontWoff2: readFileSync(path.join(release, fontName)),
  };
}

/** Inline text that cannot close or confuse the element it sits in. */
function safeInline(text: string, element: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * One self-contained HTML page showing `profileJson` (a `.heapprofile`, the JSON of V8's
 * `HeapProfiler.getSamplingProfile`) in speedscope. `title` names the profile in speedscope's
 * header and the browser tab; speedscope picks its importer from the `.heapprofile` suffix.
 */
export function renderFlameViewerHtml(profileJson: string, title: string, assets: SpeedscopeAssets): string {
  const name = `${title.replace(/[^\w .·-]+/g, '_')}.heapprofile`;
  const fontUrl = `data:font/woff2;base64,${assets.fontWoff2.toString('base64')}`;
  const stylesheet = assets.stylesheet.replace(/url\("\.\/[^"]+\.woff2"\)/, `url("${fontUrl}")`).replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');
  const script = assets.script.replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
  const profileBase64 = Buffer.from(profileJson, 'utf8').toString('base64');
  // Runs before speedscope: asks it to load a "local profile" in its left-heavy view (stacks merged,
  // widest first: where the bytes were allocated, not when) and answers its script request in place.
  const shim = `(() => {
  const name = ${JSON.stringify(name)};
  const data = ${JSON.stringify(profileBase64)};
  history.replaceState(null, '', '#localProfilePath=leakbench-embedded-profile&view=left-heavy');
  const head = document.head;
  head.appendChild = function (el) {
    if (el && el.tagName === 'SCRIPT' && String(el.src).endsWith('leakbench-embedded-profile')) {
      delete head.appendChild;
      window.speedscope.loadFileFromBase64(name, data);
      return el;
    }
    return Node.prototype.appendChild.call(this, el);
  };
})();`;
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; font-src data:; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="leakbench with speedscope ${assets.version} (MIT, https://github.com/jlfwong/speedscope)">
<title>${name.replace(/[<>&"]/g, '_')} - speedscope</title>
<link rel="icon" href="data:,">
<style>${safeInline(stylesheet, 'style')}</style>
</head>
<body>
<script>${safeInline(shim, 'script')}</script>
<script>${safeInline(script, 'script')}</script>
</body>
</html>
`;
}
