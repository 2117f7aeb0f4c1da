/**
 * Opens a generated HTML page in headless Chromium (Debian's `chromium` package driven through
 * playwright-core; `npx playwright install` cannot download browsers here) and reports what a
 * person would see: drawn chart marks, console errors, network requests, a screenshot.
 * Test support for the report browser tests; not used by any run.
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Launch flags the report browser test uses (see STACK-NOTES: chromium on this kind of machine). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
] as const;

/** Path of a Chromium executable: `LEAKBENCH_CHROMIUM`, `/usr/bin/chromium`, or `chromium` on the PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env['LEAKBENCH_CHROMIUM'];
  // An explicit choice is final: a wrong path means "no chromium", not "look elsewhere".
  const candidates = explicit !== undefined ? [explicit] : [
    '/usr/bin/chromium',
    ...(env['PATH'] ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'chromium')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here; try the next one
    }
  }
  return undefined;
}

/** What the browser saw. */
export interface PageCheck {
  /** Drawn line marks with a real path (`d` with several segments), per chart container. */
  lineMarksByChart: Record<string, number>;
  /** Drawn marks of any kind (paths inside `g.mark-*`), per chart container. */
  marksByChart: Record<string, number>;
  /** All SVG mark groups (`g.mark-*`) on the page. */
  markGroups: number;
  /** Bounding width of the first chart SVG, CSS px. */
  firstChartWidthPx: number;
  consoleErrors: string[];
  /** Requests for anything but the page itself. */
  extraRequests: string[];
  screenshotPath: string;
  title: string;
  /** The page's visible text. */
  text: string;
  /** Document width, CSS px: above the viewport width the whole page scrolls sideways. */
  documentWidthPx: number;
  /** Cards whose content is wider than the card (they scroll sideways), as `class scrollWidth>clientWidth`. */
  overflowingCards: string[];
}

/** Options of {@link checkPageInChromium}. */
export interface PageCheckOptions {
  /** Viewport width, CSS px (default 1280). */
  viewportWidthPx?: number;
}

/** An offline page opened from disk, with what it logged and asked for so far. */
interface OfflinePage {
  page: import('playwright-core').Page;
  consoleErrors: string[];
  /** Requests for anything but the page itself (its hash ignored). */
  extraRequests: string[];
}

/**
 * Opens `htmlFile` from disk in a fresh profile with the network off, waits for load, and hands the
 * page to `inspect`; the browser and its profile are removed afterwards, whatever happens.
 */
async function withOfflinePage<T>(htmlFile: string, executablePath: string, viewportWidthPx: number, inspect: (p: OfflinePage) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'leakbench-chromium-'));
  const pageUrl = pathToFileURL(path.resolve(htmlFile)).href;
  const consoleErrors: string[] = [];
  const extraRequests: string[] = [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: viewportWidthPx, height: 900 },
    offline: true,
  });
  try {
    context.on('request', (req) => {
      if (req.url().split('#')[0] !== pageUrl) extraRequests.push(req.url());
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    await page.goto(pageUrl, { waitUntil: 'load' });
    return await inspect({ page, consoleErrors, extraRequests });
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** Opens `htmlFile` from disk in a fresh profile, waits for load, inspects it and takes a full-page screenshot. */
export async function checkPageInChromium(
  htmlFile: string,
  screenshotPath: string,
  executablePath: string,
  options: PageCheckOptions = {},
): Promise<PageCheck> {
  return withOfflinePage(htmlFile, executablePath, options.viewportWidthPx ?? 1280, async ({ page, consoleErrors, extraRequests }) => {
    // Evaluated in the page; a string keeps DOM types out of this Node-only tsconfig.
    const { lineMarksByChart, marksByChart } = await page.evaluate<{ lineMarksByChart: Record<string, number>; marksByChart: Record<string, number> }>(`(() => {
      const lines = {};
      const all = {};
      for (const el of document.querySelectorAll('[data-chart]')) {
        const name = el.getAttribute('data-chart') || '?';
        const paths = [...el.querySelectorAll('g.mark-line path')];
        lines[name] = (lines[name] || 0) + paths.filter((p) => (p.getAttribute('d') || '').split(/[LC]/).length > 5).length;
        all[name] = (all[name] || 0) + el.querySelectorAll('g[class^="mark-"] path').length;
      }
      return { lineMarksByChart: lines, marksByChart: all };
    })()`);
    const markGroups = await page.locator('svg g[class^="mark-"]').count();
    const box = await page.locator('[data-chart] svg').first().boundingBox();
    const { documentWidthPx, overflowingCards } = await page.evaluate<{ documentWidthPx: number; overflowingCards: string[] }>(`({
      documentWidthPx: document.documentElement.scrollWidth,
      overflowingCards: [...document.querySelectorAll('.card')]
        .filter((c) => c.scrollWidth > c.clientWidth + 1)
        .map((c) => (c.querySelector('table') ? c.querySelector('table').className || 'table' : c.className) + ' ' + c.scrollWidth + '>' + c.clientWidth),
    })`);
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return {
      lineMarksByChart,
      marksByChart,
      markGroups,
      firstChartWidthPx: box?.width ?? 0,
      consoleErrors,
      extraRequests,
      screenshotPath,
      title: await page.title(),
      text: await page.locator('body').innerText(),
      documentWidthPx,
      overflowingCards,
    };
  });
}

/** What the browser saw of a page that is not one of leakbench's own (speedscope, Clinic). */
export interface OfflineViewCheck {
  consoleErrors: string[];
  /** Requests for anything but the page itself. */
  extraRequests: string[];
  title: string;
  /** The page's visible text after the steps. */
  text: string;
  screenshotPath: string;
}

/** What to do on the page before reading it. */
export interface OfflineViewSteps {
  /** A selector to wait for (15 s at most) before the screenshot. */
  waitFor?: string;
  /** Then click the first element with this text. */
  click?: string;
  /** Then wait this long, so late requests (font loaders, timers) are seen too (default 300 ms). */
  settleMs?: number;
}

/**
 * Opens a viewer page (render-flame-viewer.ts, clinic-heap-profiler.ts) offline at 1,400 px, runs
 * `steps`, screenshots it and returns its text with every request and console error seen.
 */
export async function viewPageOffline(htmlFile: string, screenshotPath: string, executablePath: string, steps: OfflineViewSteps = {}): Promise<OfflineViewCheck> {
  return withOfflinePage(htmlFile, executablePath, 1400, async ({ page, consoleErrors, extraRequests }) => {
    if (steps.waitFor !== undefined) await page.locator(steps.waitFor).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath });
    if (steps.click !== undefined) await page.getByText(steps.click, { exact: false }).first().click();
    await page.waitForTimeout(steps.settleMs ?? 300);
    return { consoleErrors, extraRequests, title: await page.title(), text: await page.locator('body').innerText(), screenshotPath };
  });
}

/**
 * An interactive flame graph page (speedscope) offline: waits for its canvas (the flame graph is
 * drawn with WebGL), then switches to the sandwich view, a DOM table of functions by bytes, whose
 * text is returned.
 */
export function checkFlameViewerInChromium(htmlFile: string, screenshotPath: string, executablePath: string): Promise<OfflineViewCheck> {
  return viewPageOffline(htmlFile, screenshotPath, executablePath, { waitFor: 'canvas', click: 'Sandwich' });
}
