import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LeakbenchError, isLeakbenchError } from './errors.js';
import { PACKAGE_ROOT } from './paths.js';

// The README's error table is the user's reference: it must list exactly the codes the code can
// throw (fastify's test/internals/errors.test.js keeps its docs in sync the same way).
describe('error codes', () => {
  it('README lists every code and no others', () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const section = readme.split('## Error codes')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\|\s*`(E_[A-Z_]+)`/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('carries a stable code and a cause', () => {
    const cause = new Error('inner');
    const err = new LeakbenchError('E_USAGE', 'bad flag', { cause });
    expect(err.code).toBe('E_USAGE');
    expect(err.cause).toBe(cause);
    expect(isLeakbenchError(err, 'E_USAGE')).toBe(true);
    expect(isLeakbenchError(err, 'E_LOAD')).toBe(false);
    expect(isLeakbenchError(new Error('x'))).toBe(false);
  });
});
