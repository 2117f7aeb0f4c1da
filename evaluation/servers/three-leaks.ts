/**
 * Three planted leaks and a bounded cache in one server:
 * 1. `keyCache`, a Map of key id → key record, never pruned;
 * 2. a listener per request on an EventEmitter (`rotation`), never removed;
 * 3. `auditLog`, an Array that receives the SAME record objects as `keyCache` (shared records);
 * plus `recentAgents`, an lru-cache of max 2,000 that fills during warm-up and stays bounded.
 * A right analysis reports exactly the three leaks: nothing for the LRU, nothing for a module scope.
 */
import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import { serve } from './serve.js';

interface KeyRecord {
  keyId: string;
  owner: string;
  scope: string;
  firstSeenMs: number;
}

const keyCache = new Map<string, KeyRecord>();
const auditLog: KeyRecord[] = [];
const rotation = new EventEmitter();
rotation.setMaxListeners(0);
const recentAgents = new LRUCache<string, { agent: string; atMs: number }>({ max: 2_000 });
let rotations = 0;

serve(({ keyId, userAgent, requestNumber }) => {
  const record: KeyRecord = { keyId, owner: `owner-${keyId.slice(0, 6)}`, scope: `read:${keyId.slice(6, 10)}`, firstSeenMs: Date.now() };
  keyCache.set(keyId, record);
  auditLog.push(record);
  const since = requestNumber;
  rotation.on('rotate', () => {
    rotations += since > 0 ? 1 : 0;
  });
  recentAgents.set(`${userAgent}#${requestNumber % 10_000}`, { agent: userAgent, atMs: Date.now() });
  return { ok: true, rotations };
});
