/**
 * Hints of the workshop exercises, one file per scenario: `workshop/hints/<scenario>.json`, kept
 * beside the exercises (not in the scenario folders) so the scenarios stay the same whether or not
 * anyone runs a workshop. Three levels: a nudge towards where to look, the mechanism, then the
 * shape of the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LeakbenchError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';

/** Folder of the hint files. */
export const HINTS_DIR = path.join(PACKAGE_ROOT, 'workshop', 'hints');

/** `workshop/hints/<scenario>.json`. */
export interface ExerciseHints {
  scenario: string;
  /** Strongest last. */
  hints: string[];
}

/** The hints of `scenario`, or an empty list when it has no hint file. */
export function readHints(scenario: string, dir: string = HINTS_DIR): string[] {
  const file = path.join(dir, `${scenario}.json`);
  if (!existsSync(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `${path.relative(process.cwd(), file)} is not valid JSON`, { cause: err });
  }
  const hints = (data as Partial<ExerciseHints>).hints;
  if (!Array.isArray(hints) || !hints.every((h) => typeof h === 'string')) {
    throw new LeakbenchError('E_FILE_NOT_FOUND', `${path.relative(process.cwd(), file)} has no "hints" list of strings`);
  }
  return hints;
}
