#!/usr/bin/env node
/**
 * Entry point of the `leakbench` command (package.json `bin`, and every `npm run bench:*` that
 * drives a run). Thin on purpose: wires signals and streams, runs the CLI, sets the exit code.
 */
import { setFlagsFromString } from 'node:v8';

// Snapshot reading runs on worker threads beside the main thread (`analyze`, `inspect` of big
// files, the analysis after `run`). On a 2-core machine V8's background compiler then competes
// with both for the CPUs, and hot loops wait in the interpreter for their optimized code: a
// worker that compiles on its own thread instead read the 41 MB file of a 70 MB sequence about
// 0.1 s sooner and used less CPU (docs/analysis.md, Speed). The flag is read when an isolate is
// created, so it applies to the workers started from here on and leaves the main thread as it is.
// Set from the command's entry only: the heap engine, as a library, never changes its host's flags.
setFlagsFromString('--no-concurrent-recompilation');

// `analyze` reads its snapshots on two threads: the reading worker starts now, before the CLI and
// the analysis load (~60 ms of start-up taken off the command's wall time), and is handed its
// files when the analysis has them. Unused, it does not keep the process alive.
if (process.argv[2] === 'analyze') (await import('../harness/heap/worker-script.js')).prestartGraphWorker();
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
