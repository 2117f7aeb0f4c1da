#!/usr/bin/env node
/**
 * `npm run bench:all`: the benchmark matrix (every scenario, both variants). Thin: the same CLI as
 * `leakbench bench-all`, with the same signal handling as scripts/leakbench.ts.
 */
import { runCli } from '../harness/cli/main.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (name: NodeJS.Signals): void => {
  signals += 1;
  // A second Ctrl-C: out now (children run in their own process groups and die with their owners).
  if (signals > 1) process.exit(130);
  process.stderr.write(`\nbench:all: ${name} received, stopping after the current step (Ctrl-C again to force)\n`);
  controller.abort(new Error(name));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(['bench-all', ...process.argv.slice(2)], {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.exitCode = controller.signal.aborted && code === 0 ? 130 : code;
