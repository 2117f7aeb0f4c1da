/**
 * Clinic.js Heap Profiler's page as an extra view of the sampling heap profile a run already
 * recorded. `@clinic/heap-profiler` is an optional dependency, loaded only when this view is asked
 * for (`--clinic`, or `LEAKBENCH_CLINIC=1`).
 *
 * Only its visualiser is used. Its collector starts V8's sampling heap profiler inside the server,
 * and V8 has one sampler per isolate: leakbench's own inspector session already runs it, so
 * collecting through Clinic too would make the two stop each other's profile. The visualiser reads
 * the same `.heapprofile` JSON (`head` + `samples`) that leakbench writes as allocation-sampling.json.
 *
 * Offline: Clinic's page asks webfontloader for a font stylesheet on clinicjs.org at view time. That
 * URL is replaced by an empty `data:` stylesheet (the page falls back to system fonts after its
 * 2 s font timeout, as it does offline anyway) and a Content-Security-Policy forbids any fetch.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLINIC_PACKAGE, assertClinicInstalled } from '../clinic-package.js';
import { writeFileAtomic } from './write-file-atomic.js';

const require = createRequire(import.meta.url);

/** The profile in Clinic's file name, inside the variant's folder. */
export const CLINIC_DATA_FILE = 'allocation.clinic-heapprofiler';

/** File name of a variant's Clinic page inside the run directory (next to report.html). */
export function clinicPageFileName(variant: string): string {
  return `${variant}-clinic-heapprofiler.html`;
}

/** The part of Clinic's API leakbench calls (the package ships no types). */
interface ClinicHeapProfilerApi {
  visualize(sourceFile: string, outputFile: string, callback: (err?: Error | null) => void): void;
}
type ClinicHeapProfilerClass = new (settings?: { debug?: boolean }) => ClinicHeapProfilerApi;

/** Clinic's font stylesheet (fetched by webfontloader at view time). */
const FONT_STYLESHEET = /https:\/\/clinicjs\.org\/assets\/css\/[\w.-]+\.css/g;

const CSP =
  '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'unsafe-inline\'; style-src \'unsafe-inline\' data:; img-src data:; font-src data:">';

/**
 * Makes Clinic's page fetch nothing at view time: the font stylesheet becomes an empty `data:`
 * stylesheet and a Content-Security-Policy (first thing in `<head>`) blocks any other request.
 */
export function offlineClinicHtml(html: string): string {
  const withoutFonts = html.replace(FONT_STYLESHEET, 'data:text/css,');
  const head = withoutFonts.indexOf('<head>');
  if (head < 0) throw new Error(`${CLINIC_PACKAGE} wrote a page without a <head>`);
  const at = head + '<head>'.length;
  return `${withoutFonts.slice(0, at)}\n${CSP}<meta name="referrer" content="no-referrer">${withoutFonts.slice(at)}`;
}

/**
 * Writes `<variantDir>/allocation.clinic-heapprofiler` (the profile, Clinic's data file) and
 * `htmlFile`, Clinic's page of it made offline. Loads the optional package here, on first use.
 */
export async function writeClinicPage(profileJson: string, variantDir: string, htmlFile: string): Promise<void> {
  assertClinicInstalled();
  const ClinicHeapProfiler = require(CLINIC_PACKAGE) as ClinicHeapProfilerClass;
  const dataFile = path.join(variantDir, CLINIC_DATA_FILE);
  await writeFileAtomic(dataFile, profileJson);
  // Clinic streams its page into a file; render into a private folder, then post-process atomically.
  const scratch = await mkdtemp(path.join(tmpdir(), 'leakbench-clinic-'));
  try {
    const raw = path.join(scratch, 'page.html');
    await new Promise<void>((resolve, reject) => {
      new ClinicHeapProfiler({ debug: false }).visualize(dataFile, raw, (err) => (err ? reject(err) : resolve()));
    });
    await writeFileAtomic(htmlFile, offlineClinicHtml(await readFile(raw, 'utf8')));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
