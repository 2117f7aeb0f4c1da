/**
 * The loopback rule: servers, inspectors and load only ever talk to this machine. A leaf module
 * (no imports) so that the CLI can check `attach`'s flags without loading the run loop, and the
 * orchestrator applies the same rule.
 */

/** True for `127.x.y.z`, `::1` and `localhost` (brackets and case ignored): the only hosts leakbench talks to. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
