/**
 * `leakbench run <scenario>`: boots the scenario's leaky and/or fixed server, drives load, samples
 * memory, takes three heap snapshots through one inspector session and prints a verdict per
 * variant. Writes `reports/<scenario>/<run-id>/report.json` (+ snapshots per variant).
 *
 * Exit codes: 0 when every variant got a verdict (a leak is a verdict, not a failure), 2 when a
 * variant could not be measured (bad flags, a server that never got ready or crashed: one line per
 * problem with its code), 130 after Ctrl-C (set by the entry script; a partial report is written).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_LOAD, getScenario } from '../../catalog.js';
import { LeakbenchError } from '../../errors.js';
import type { VariantTarget } from '../../orchestrator/run-variant.js';
import { REPORTS_DIR } from '../../paths.js';
import type { CommandModule } from '../main.js';
import { addProtocolOptions, loadPlanFromFlags, parseChoice, parsePositiveNumber, type LoadFlags } from '../options.js';
import { addRunExtraOptions, checkGates, resolveRunExtras, type RunExtraFlags } from '../run-extras.js';
import { addAllocationOptions, addClinicOption, resolveAllocationProbe, resolveClinic, type AllocationFlags } from '../allocation-options.js';
import { addWorkloadOptions, resolveWorkload, type WorkloadFlags } from '../workload-options.js';

/** Raw flag values as commander hands them over (all strings). */
interface RunFlags extends LoadFlags {
  runtime?: string;
  variant: string;
  selfCheck?: boolean;
  gcInterval?: string;
  out?: string;
  json?: boolean;
}

const VARIANT_CHOICES = ['leaky', 'fixed', 'both'] as const;

export const runCommand: CommandModule = {
  register(program: Command, io, result) {
    program
      .command('run')
      .description('measure a scenario: boot its server(s), drive load, sample memory, take heap snapshots, give a verdict')
      .argument('[scenario]', 'scenario name (see `leakbench list`); omit with --cmd')
      .option('--variant <which>', 'leaky, fixed or both', 'both')
      .option('--runtime <node|rust>', "the scenario's Node twins (default) or its Rust twins (npm run build:rust; measured under heaptrack, see docs/native.md)")
      .option('--duration <s>', 'planned seconds of load after the baseline: the run stops earlier when sure, extends when not yet (scenario default, usually 20)')
      .option('--warmup <s>', 'seconds of warm-up load before the baseline snapshot (usually 5)')
      .option('--connections <n>', 'concurrent HTTP connections (usually 10)')
      .option('--rate <n|max>', "requests per second across all connections, or 'max' for flat out (usually 2000)")
      .option('--keys <mode>', "'unique' (a fresh valid key per request) or 'pool:N' (N keys reused)")
      .option('--invalid-ratio <r>', 'share of requests with a bad, malformed or missing key, 0..1 (usually 0.05)')
      .option('--post-ratio <r>', 'share of POST requests, 0..1 (usually 0.2)')
      .option('--gc-interval <s>', 'seconds between forced-GC memory samples under load (default 1.25)')
      .option('--out <dir>', 'parent directory of the reports', path.relative(process.cwd(), REPORTS_DIR) || '.')
      .option('--json', 'print the report as JSON on stdout (progress goes to stderr)')
      .addHelpText(
        'after',
        [
          '',
          'Each variant runs: boot → warm-up → GC + snapshot "baseline" → load segments, each ending in a',
          'snapshot, until the evidence decides (early when sure; extended up to --max-duration when not)',
          '→ same-key replay of a growing keyed holder → idle (--idle) → self-check (--self-check)',
          '→ verdict. Protocol: docs/run-loop.md.',
          'Artifacts: <out>/<scenario>/<run-id>/report.json and <variant>/*.heapsnapshot (mode 0600;',
          'snapshots contain the API keys the server saw).',
          '',
          'Examples:',
          '  leakbench run unbounded-map',
          '  leakbench run unbounded-map --variant leaky --duration 30 --rate max --json',
          '  leakbench run --cmd "node server.js" --self-check --max-duration 60',
          '  leakbench run uncleaned-audit-cache --keys pool:100 --invalid-ratio 0.2',
        ].join('\n'),
      )
      .action(async (scenarioName: string | undefined, flags: RunFlags & RunExtraFlags & AllocationFlags & WorkloadFlags) => {
        // Validate every flag before anything starts.
        const variant = parseChoice('--variant', flags.variant, VARIANT_CHOICES);
        const clinic = resolveClinic(flags);
        // --cmd: a server we launch tracks allocations since start through NODE_OPTIONS (cheaper
        // than the inspector route; scenario servers get the flag from the run loop itself).
        if (flags.allocationStacks === true && flags.cmd !== undefined) flags.nodeArg = [...(flags.nodeArg ?? []), '--track-heap-objects'];
        const requests = await resolveWorkload(flags, flags.cmd !== undefined && scenarioName === undefined);
        const extras = await resolveRunExtras(scenarioName, flags, requests.keyHeader);
        const scenario = extras.custom ? undefined : getScenario(scenarioName ?? '');
        const d = scenario?.load ?? DEFAULT_LOAD;
        // The run loop (orchestrator, target, load, probe, report) loads here, not at start-up:
        // registering `run` must stay cheap for every other command and for `--help`.
        const [{ keySecret }, { parseKeyMode }, { runScenario }, { createProgressPrinter, renderSummary }, { serializeRunReport }, { killProcessGroup, liveChildGroups }] =
          await Promise.all([
            import('../../../scenarios/kit/api-key.js'),
            import('../../load/request-mix.js'),
            import('../../orchestrator/run-scenario.js'),
            import('../../report/terminal.js'),
            import('../../report/write-report.js'),
            import('../../server/child-registry.js'),
          ]);
        const load = {
          ...loadPlanFromFlags(flags, d, parseKeyMode),
          ...(requests.workload ? { workload: requests.workload } : {}),
          ...(requests.headers ? { headers: requests.headers } : {}),
        };
        const gcIntervalSec = flags.gcInterval !== undefined ? parsePositiveNumber('--gc-interval', flags.gcInterval) : undefined;
        const variants = variant === 'both' ? (['leaky', 'fixed'] as const) : ([variant] as const);
        const runtime = parseChoice('--runtime', flags.runtime ?? 'node', ['node', 'rust'] as const);
        if (runtime === 'rust' && extras.custom) throw new LeakbenchError('E_USAGE', '--runtime rust applies to a scenario, not --cmd (use --native)');
        const targets: VariantTarget[] = extras.custom
          ? [extras.custom.target]
          : runtime === 'rust'
            ? (await import('../../orchestrator/rust-twins.js')).rustTwinTargets(scenario!.name, variants)
            : variants.map((v) => ({ variant: v, entry: scenario!.entries[v], ...(extras.nodeArgs.length > 0 ? { nodeArgs: extras.nodeArgs } : {}) }));
        for (const t of targets) {
          if (!extras.custom && !existsSync(t.entry)) {
            throw new LeakbenchError(
              'E_FILE_NOT_FOUND',
              `compiled server ${path.relative(process.cwd(), t.entry)} is missing; run \`npm run build\` first`,
            );
          }
        }

        const progress = createProgressPrinter(io.stderr, { tty: Boolean(io.stderr.isTTY) && !flags.json });
        const { report, reportPath } = await runScenario(
          {
            scenario: extras.custom?.name ?? (runtime === 'rust' ? `${scenario!.name}-rust` : scenario!.name),
            targets,
            load,
            reportsDir: path.resolve(flags.out ?? REPORTS_DIR),
            secret: keySecret(),
            probe: { ...(gcIntervalSec !== undefined ? { gcSampleIntervalMs: gcIntervalSec * 1000 } : {}), ...extras.probe, ...resolveAllocationProbe(flags), ...(flags.selfCheck ? { selfCheck: true } : {}) },
            keepSnapshots: extras.keepSnapshots,
            ...(clinic ? { clinic: true } : {}),
          },
          { onProgress: progress, signal: io.signal, onWarning: (line) => io.stderr.write(`leakbench: warning: ${line}\n`) },
        );

        // Belt and braces: every child must be gone by now.
        const leftover = liveChildGroups();
        for (const pid of leftover) killProcessGroup(pid, 'SIGKILL');
        if (leftover.length > 0) io.stderr.write(`leakbench: warning: killed ${leftover.length} leftover server process group(s)\n`);

        if (flags.json) io.stdout.write(serializeRunReport(report));
        else io.stdout.write(`\n${renderSummary(report)}report: ${path.relative(process.cwd(), reportPath)}\n`);

        const errored = report.runs.filter((r) => r.error);
        for (const r of errored) io.stderr.write(`leakbench: ${r.variant}: ${r.error!.message} [${r.error!.code}]\n`);
        if (errored.length > 0 && !io.signal.aborted) result.code = 2;
        // CI gates: exit 3 beats exit 2 (a heap-limit crash is both an error and a leak).
        const gateCode = checkGates(report, extras.gates, io);
        if (gateCode !== undefined && !io.signal.aborted) result.code = gateCode;
      });
    addRunExtraOptions(program.commands.find((c) => c.name() === 'run')!);
    addWorkloadOptions(program.commands.find((c) => c.name() === 'run')!);
    addAllocationOptions(program.commands.find((c) => c.name() === 'run')!);
    addProtocolOptions(program.commands.find((c) => c.name() === 'run')!);
    addClinicOption(program.commands.find((c) => c.name() === 'run')!);
  },
};
