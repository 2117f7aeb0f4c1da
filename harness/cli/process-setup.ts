/**
 * What the `leakbench` process sets up before anything else loads (scripts/leakbench.ts calls it
 * first thing; `bench:analyze` calls it in the process it times, so both measure the same thing).
 * Only the commands that read snapshots and start no server, `analyze` and `inspect`:
 *
 * - `--no-concurrent-recompilation`. They read snapshots on worker threads beside the main
 *   thread; on a 2-core machine V8's background compiler then competes with both threads for the
 *   CPUs, and hot loops wait in the interpreter for their optimized code. A worker that compiles
 *   on its own thread instead read the 41 MB file of a 70 MB sequence about 0.1 s sooner, with
 *   less CPU (docs/analysis.md, Speed). V8 reads this flag when it creates an isolate, so it
 *   applies to the workers started from here on and leaves the main thread as it was.
 * - `--no-concurrent-osr`. V8 reads it each time a long loop asks for optimized code (on-stack
 *   replacement), so it applies at once: the main thread compiles its hot loops itself instead of
 *   running them in the interpreter until the busy background thread gets to them. Measured on
 *   the 70 MB sequence: `analyze` 1.09 → 1.01 s wall, 1.78 → 1.60 s CPU (medians of 9,
 *   alternated); `inspect` of 145 MiB 1.68 → 1.62 s.
 * - `analyze` reads its snapshots on two threads: the reading worker starts now, before the CLI
 *   and the analysis load, and is handed its files when the analysis has them. Unused, it does
 *   not keep the process alive.
 *
 * The other commands keep V8's defaults: `run` and its kin spend their time driving a server,
 * not reading snapshots. Only the command sets flags: the heap engine, as a library, never
 * changes its host's.
 */
import { setFlagsFromString } from 'node:v8';
import { prestartGraphWorker } from '../heap/worker-script.js';

/** Prepares this process for `command` (the first CLI argument). */
export function setUpProcess(command: string | undefined): void {
  if (command !== 'analyze' && command !== 'inspect') return;
  setFlagsFromString('--no-concurrent-recompilation');
  setFlagsFromString('--no-concurrent-osr');
  if (command === 'analyze') prestartGraphWorker();
}
