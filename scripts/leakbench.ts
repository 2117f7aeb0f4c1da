#!/usr/bin/env node
/**
 * Entry point of the `leakbench` command (package.json `bin`, and every `npm run bench:*` that
 * drives a run). Thin on purpose: wires signals and streams, runs the CLI, sets the exit code.
 */
// Process set-up first (V8 flags for the reading workers, the `analyze` worker's early start),
// then the CLI: see harness/cli/process-setup.ts.
(await import('../harness/cli/process-setup.js')).setUpProcess(process.argv[2]);
const { runCli } = await import('../harness/cli/main.js');

const controller = new AbortController();
let signals = 0;
const onSignal = (name: NodeJS.Signals): void => {
  signals += 1;
  if (signals > 1) {
    // A second Ctrl-C: the user wants out now. Children were started detached in their own process
    // group and are killed by their owners' `finally`; exit without waiting for a partial report.
    process.exit(130);
  }
  process.stderr.write(`\nleakbench: ${name} received, stopping (Ctrl-C again to force)\n`);
  controller.abort(new Error(name));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.exitCode = controller.signal.aborted && code === 0 ? 130 : code;
