/**
 * The loopback test `attach` applies to its flags while validating them, before anything loads.
 * The orchestrator has the same rule (harness/orchestrator/custom-targets.ts `isLoopbackHost`), but
 * importing it from there would load the whole run loop on every CLI start-up; a unit test keeps
 * the two in step.
 */

/** True for `127.x.y.z`, `::1` and `localhost` (brackets and case ignored): the only hosts leakbench talks to. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
