import { describe, expect, it } from 'vitest';
import { ownerOfScript } from './finding-owner.js';

describe('ownerOfScript', () => {
  it('tells the application, a dependency (scoped too) and Node core apart', () => {
    expect(ownerOfScript('file:///srv/app/server.js')).toMatchObject({ kind: 'application', label: 'server.js' });
    expect(ownerOfScript('file:///srv/app/node_modules/pino/lib/tools.js')).toMatchObject({ kind: 'dependency', label: 'node_modules/pino' });
    expect(ownerOfScript('file:///srv/app/node_modules/a/node_modules/@scope/b/index.js')).toMatchObject({
      kind: 'dependency',
      label: 'node_modules/@scope/b',
    });
    expect(ownerOfScript('node_modules/lru-cache/dist/index.js')).toMatchObject({ kind: 'dependency', label: 'node_modules/lru-cache' });
    expect(ownerOfScript('node:internal/timers')).toMatchObject({ kind: 'node-core', label: 'node:internal/timers' });
    expect(ownerOfScript('')).toMatchObject({ kind: 'unknown' });
  });
});
