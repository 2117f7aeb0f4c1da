/**
 * Behaviour parity of every scenario's twins: the fix must not change what the API answers.
 * Boots the compiled leaky and fixed variants as real child processes on 127.0.0.1, replays the
 * shared request set (good keys, every 4xx path, hostile input) and a seeded fuzz stream, and
 * requires the same status codes (and, for the shared set, the same bodies) from both twins, no
 * crash, and a clean exit on SIGTERM.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { listScenarios } from '../harness/catalog.js';
import { keySecret } from './kit/api-key.js';
import { fuzzRequests } from './kit/testing/fuzz-requests.js';
import { rawRequest, type RawResponse } from './kit/testing/raw-request.js';
import { sharedRequestSet } from './kit/testing/request-set.js';
import { spawnScenario, type SpawnedScenario } from './kit/testing/spawn-scenario.js';

const VARIANTS = ['leaky', 'fixed'] as const;
/** Requests per variant in the fuzz stream. */
const FUZZ_REQUESTS = 2000;
const FUZZ_CONCURRENCY = 8;

async function boot(scenario: string, variant: string): Promise<SpawnedScenario> {
  const server = await spawnScenario(scenario, variant);
  onTestFinished(async () => {
    await server.stop(1000);
  });
  return server;
}

/** Normalizes an answer a hostile request may get either way (431 written, or the socket reset). */
function outcome(response: RawResponse, mayReset: boolean): string {
  if (mayReset && (response.status === 'reset' || response.status === 431)) return 'rejected (431 or reset)';
  return `${response.status} ${response.body}`;
}

const scenarios = listScenarios();

describe('scenario twins answer alike', () => {
  test('every scenario has both variants compiled', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(3);
    for (const s of scenarios) expect(s.expected).toBeDefined();
  });

  for (const scenario of scenarios) {
    test(`${scenario.name}: shared request set gives identical statuses and bodies`, async () => {
      const requests = sharedRequestSet(keySecret());
      const answers: Record<string, string[]> = {};
      for (const variant of VARIANTS) {
        const server = await boot(scenario.name, variant);
        const out: string[] = [];
        for (const { name, request, mayReset } of requests) {
          out.push(`${name}: ${outcome(await rawRequest(server.port, request), mayReset === true)}`);
        }
        // Still alive after the hostile part of the set, and a clean exit on SIGTERM.
        const health = await rawRequest(server.port, { method: 'GET', path: '/healthz' });
        expect(health.status).toBe(200);
        expect(await server.stop()).toBe(0);
        answers[variant] = out;
      }
      expect(answers['fixed']).toEqual(answers['leaky']);
      // The set exercises every status the kit promises; a server answering 200 to all would fail here.
      const statuses = new Set(answers['leaky']!.map((line) => line.split(': ')[1]!.split(' ')[0]));
      for (const status of ['200', '400', '401', '403', '404', '413', '415', 'rejected']) expect(statuses).toContain(status);
    });
  }

  for (const scenario of scenarios) {
    test(`${scenario.name}: ${FUZZ_REQUESTS} fuzzed requests, no crash, same statuses from both twins`, async () => {
      const requests = fuzzRequests(FUZZ_REQUESTS, 0x5eed + scenario.name.length, keySecret());
      // Both twins at once, each with its own connections: halves the wall time on two cores.
      const fuzzOne = async (variant: string): Promise<string[]> => {
        const server = await boot(scenario.name, variant);
        const out = new Array<string>(requests.length);
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < requests.length) {
            const i = next++;
            const { request, mayReset } = requests[i]!;
            out[i] = outcome(await rawRequest(server.port, request), mayReset === true).split(' ')[0]!;
          }
        };
        await Promise.all(Array.from({ length: FUZZ_CONCURRENCY }, worker));
        expect(server.child.exitCode).toBeNull();
        expect(server.stderr()).toBe('');
        expect((await rawRequest(server.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
        expect(await server.stop()).toBe(0);
        return out;
      };
      const [leaky, fixed] = await Promise.all(VARIANTS.map(fuzzOne));
      const statuses: Record<string, string[]> = { leaky: leaky!, fixed: fixed! };
      const diffs = requests
        .map((r, i) => ({ name: r.name, leaky: statuses['leaky']![i], fixed: statuses['fixed']![i] }))
        .filter((d) => d.leaky !== d.fixed);
      expect(diffs).toEqual([]);
      expect(statuses['leaky']!.every((s) => s !== '500')).toBe(true);
      // The stream reaches every branch, not just the 400 for a broken key.
      for (const status of ['200', '400', '401', '404', '413', 'rejected']) expect(statuses['leaky']).toContain(status);
    });
  }
});
