/**
 * Reading and validating `report.json` against `report.schema.json` (JSON Schema draft-07, checked
 * with ajv). Used by `leakbench report` / `compare`, the reports index, and the tests that hold
 * real reports to the schema.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import { LeakbenchError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import type { RunReport } from '../types.js';

/** Where the schema lives; it is read from the source tree so dist/ and vitest share one file. */
export const REPORT_SCHEMA_PATH = path.join(PACKAGE_ROOT, 'harness', 'report', 'report.schema.json');

/** The file name of a run's machine-readable report inside its run directory. */
export const REPORT_JSON = 'report.json';

let validator: ValidateFunction | undefined;

/** The parsed JSON Schema of report.json. */
export function reportSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
}

function validate(): ValidateFunction {
  if (validator === undefined) {
    // ajv is loaded on first validation, not at CLI start-up (a CommonJS package: a lazy require).
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    validator = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(reportSchema());
  }
  return validator;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(top level)' : error.instancePath;
  const allowed = error.params && 'allowedValues' in error.params ? ` (${(error.params['allowedValues'] as unknown[]).join(', ')})` : '';
  return `${where} ${error.message ?? 'is invalid'}${allowed}`;
}

/** Schema errors of `data` as one-line strings; empty when it is a valid report. */
export function reportSchemaErrors(data: unknown): string[] {
  const check = validate();
  if (check(data)) return [];
  return (check.errors ?? []).map(describe);
}

/** `data` as a RunReport, or `E_REPORT_INVALID` naming the first problems. `source` names it. */
export function validateRunReport(data: unknown, source: string): RunReport {
  const errors = reportSchemaErrors(data);
  if (errors.length > 0) {
    const shown = errors.slice(0, 3).join('; ');
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
    throw new LeakbenchError('E_REPORT_INVALID', `${source} does not match report.schema.json: ${shown}${more}`);
  }
  return data as RunReport;
}

/**
 * Resolves a run directory (or a report.json path) to its report.json path. Missing → E_FILE_NOT_FOUND.
 */
export function resolveReportFile(runDirOrFile: string): string {
  const abs = path.resolve(runDirOrFile);
  let stat;
  try {
    stat = statSync(abs);
  } catch {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `no such run directory or file: ${runDirOrFile}`);
  }
  const file = stat.isDirectory() ? path.join(abs, REPORT_JSON) : abs;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `no ${REPORT_JSON} in ${runDirOrFile}`);
  }
  return file;
}

/** Reads and validates the report.json of a run directory (or a report.json path). */
export function readRunReport(runDirOrFile: string): { file: string; report: RunReport } {
  const file = resolveReportFile(runDirOrFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `cannot read ${file}`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new LeakbenchError('E_REPORT_INVALID', `${file} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return { file, report: validateRunReport(data, file) };
}
