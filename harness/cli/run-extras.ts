/**
 * The robustness side of `leakbench run`: a user's own server (`--cmd`), Node flags for the server
 * (`--max-old-space-size`, `--node-arg`), the readiness timeout, CI gates (`--fail-on`, `--expect`)
 * and `--no-keep-snapshots`. Kept apart from run.ts so the run loop's command stays readable.
 */
import type { Command } from 'commander';
import { LeakbenchError } from '../errors.js';
import type { ProbePlan, VariantTarget } from '../orchestrator/run-variant.js';
import type { RunReport } from '../types.js';
import { evaluateGates, parseExpect, parseFailOnGates, parseMaxResidentSecrets, type Gates } from './gates.js';
import type { CliIo, ExitCode } from './main.js';
import { parseInteger, parsePositiveNumber } from './options.js';

/** Raw values of the options {@link addRunExtraOptions} registers. */
export interface RunExtraFlags {
  cmd?: string;
  name?: string;
  path?: string;
  blackBox?: boolean;
  native?: boolean;
  nodeArg?: string[];
  maxOldSpaceSize?: string;
  startTimeout?: string;
  failOn?: string;
  maxResidentSecrets?: string;
  secretPattern?: string;
  expect?: string;
  /** commander's `--no-keep-snapshots` negation: true unless the flag was given. */
  keepSnapshots?: boolean;
}

/** What the extra flags resolve to. */
export interface RunExtras {
  gates: Gates;
  /** Node flags for scenario servers (`--max-old-space-size=…` and every `--node-arg`). */
  nodeArgs: string[];
  probe: ProbePlan;
  keepSnapshots: boolean;
  /** Set with `--cmd`: the report's scenario name and the one `custom` target. */
  custom?: { name: string; target: VariantTarget };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Registers the extra options on the `run` command. */
export function addRunExtraOptions(run: Command): void {
  run
    .option('--cmd <command>', 'measure your own server: a shell command that listens on $PORT (Node gets the inspector through NODE_OPTIONS; anything else runs black-box, RSS only)')
    .option('--name <name>', "with --cmd: the report's scenario name (default 'custom')")
    .option('--path <path>', 'with --cmd: the route under load (default /v1/data)')
    .option('--black-box', 'with --cmd: do not inject the inspector; RSS-only verdict')
    .option('--native', 'with --cmd: a native or Python server: run it under heaptrack (native) or tracemalloc (python3 …) and name the allocation sites that grew at every step')
    .option('--max-old-space-size <MB>', "the server's V8 old-space limit (a leak then ends in a heap-limit crash, analysed)")
    .option('--node-arg <flag>', 'extra Node flag for the server, repeatable (e.g. --node-arg=--expose-gc)', collect)
    .option('--start-timeout <s>', 'seconds to wait for the server to get ready (default 15)')
    .option('--fail-on <what>', "exit 3 on 'leak' (a heap-limit crash counts as a leak) and/or 'key-residency' (completed requests' secrets still in memory), comma-separated")
    .option('--max-resident-secrets <n>', 'with --fail-on key-residency: keys whose secret may stay in memory (default 0)')
    .option('--secret-pattern <regex>', "with --cmd: what a secret looks like in the values sent (group 1 or (?<secret>…) is the secret part; default: lk_<id>_<checksum>, the checksum)")
    .option('--expect <verdicts>', "exit 3 unless the verdicts match: 'no-leak', or per variant 'leaky=leak,fixed=no-leak'")
    .option('--no-keep-snapshots', 'delete the heap snapshots after the analysis (they contain API keys)')
    .addHelpText(
      'after',
      [
        '',
        'Your own server, CI gates, crashes:',
        '  leakbench run --cmd "node server.js" --path /v1/items --header Authorization',
        '  leakbench run --cmd "node server.js" --workload w.json --header "Authorization: Bearer {{env API_TOKEN}}"',
        '  leakbench run --cmd "node server.js" --openapi openapi.yaml --per-endpoint --fail-on leak',
        '  leakbench run --cmd "python3 app.py" --name my-api        (not Node: RSS-only black-box verdict)',
        '  leakbench run --cmd "./target/release/api" --native        (heaptrack: growing allocation sites as src/…rs:<line>)',
        '  leakbench run --cmd "python3 app.py" --native              (tracemalloc: growing lines of app.py)',
        '  leakbench run unbounded-map --expect leaky=leak,fixed=no-leak --no-keep-snapshots',
        '  leakbench run unbounded-map --variant leaky --max-old-space-size 16 --rate max   (the leak ends in an analysed heap-limit crash)',
        '  leakbench run --cmd "node server.js" --header \'Authorization: Bearer {key}\' --secret-pattern \'Bearer (\\S+)\' --fail-on key-residency',
        'Exit codes: 0 ok · 2 bad input or a run that could not be measured · 3 a gate failed · 130 interrupted.',
      ].join('\n'),
    );
}

/**
 * Validates the extra flags (before anything starts). `scenarioName` and `--cmd` are exclusive, and
 * one of them is required. Async because the `--cmd` target's module (the orchestrator) is loaded
 * only when it is needed, not at CLI start-up.
 */
export async function resolveRunExtras(scenarioName: string | undefined, flags: RunExtraFlags, keyHeader?: { name: string; template?: string }): Promise<RunExtras> {
  if (flags.cmd !== undefined && scenarioName !== undefined) {
    throw new LeakbenchError('E_USAGE', `give a scenario or --cmd, not both (got '${scenarioName}' and --cmd)`);
  }
  if (flags.cmd === undefined && scenarioName === undefined) {
    throw new LeakbenchError('E_USAGE', 'missing scenario name (see `leakbench list`) or --cmd "<command>"');
  }
  if (flags.cmd === undefined) {
    for (const f of ['name', 'path', 'blackBox', 'native', 'secretPattern'] as const) {
      if (flags[f] !== undefined) throw new LeakbenchError('E_USAGE', `--${f === 'blackBox' ? 'black-box' : f === 'secretPattern' ? 'secret-pattern' : f} only applies with --cmd`);
    }
  }
  if (flags.cmd !== undefined && flags.cmd.trim() === '') throw new LeakbenchError('E_USAGE', '--cmd needs a command');
  const nodeArgs: string[] = [];
  if (flags.maxOldSpaceSize !== undefined) {
    nodeArgs.push(`--max-old-space-size=${parseInteger('--max-old-space-size', flags.maxOldSpaceSize, 8)}`);
  }
  for (const arg of flags.nodeArg ?? []) {
    if (!/^--[a-z0-9][a-z0-9-_]*(=\S*)?$/i.test(arg)) {
      throw new LeakbenchError('E_USAGE', `--node-arg must be one Node flag like --max-semi-space-size=16, got '${arg}'`);
    }
    if (/^--inspect/.test(arg)) throw new LeakbenchError('E_USAGE', `--node-arg ${arg}: leakbench opens the inspector itself, on 127.0.0.1`);
    nodeArgs.push(arg);
  }
  const probe: ProbePlan = {};
  if (flags.startTimeout !== undefined) probe.startTimeoutMs = parsePositiveNumber('--start-timeout', flags.startTimeout) * 1000;
  const gates: Gates = { ...parseFailOnGates(flags.failOn), maxResidentSecrets: parseMaxResidentSecrets(flags.maxResidentSecrets), expect: parseExpect(flags.expect) };
  const extras: RunExtras = { gates, nodeArgs, probe, keepSnapshots: flags.keepSnapshots !== false };
  if (flags.cmd !== undefined) {
    const name = flags.name ?? 'custom';
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new LeakbenchError('E_USAGE', `--name must be kebab-case (a folder name), got '${name}'`);
    if (flags.path !== undefined && !flags.path.startsWith('/')) throw new LeakbenchError('E_USAGE', `--path must start with '/', got '${flags.path}'`);
    const header = keyHeader;
    const { parseSecretPattern } = await import('../sent-secrets.js');
    const secretShape = flags.secretPattern !== undefined ? parseSecretPattern(flags.secretPattern) : undefined;
    const { commandTarget } = await import('../orchestrator/custom-targets.js');
    extras.custom = {
      name,
      target: commandTarget({
        command: flags.cmd,
        nodeOptions: nodeArgs,
        ...(flags.path !== undefined ? { requestPath: flags.path } : {}),
        ...(header !== undefined ? { keyHeader: header.name } : {}),
        ...(header?.template !== undefined ? { keyTemplate: header.template } : {}),
        ...(secretShape ? { secretShape } : {}),
        ...(flags.blackBox ? { blackBox: true } : {}),
        ...(flags.native ? { native: true } : {}),
      }),
    };
  }
  return extras;
}

/** Prints failed gates to stderr; returns 3 when any failed. */
export function checkGates(report: RunReport, gates: Gates, io: CliIo): ExitCode | undefined {
  const failures = evaluateGates(report, gates);
  for (const f of failures) io.stderr.write(`leakbench: gate failed: ${f}\n`);
  return failures.length > 0 ? 3 : undefined;
}

/**
 * `--header Name` (the key is the value) or `--header 'Name: template'` where `{key}` in the
 * template stands for the minted key (`--header 'Authorization: Bearer {key}'`).
 */
export function parseKeyHeader(raw: string | undefined): { name: string; template?: string } | undefined {
  if (raw === undefined) return undefined;
  const colon = raw.indexOf(':');
  const name = (colon < 0 ? raw : raw.slice(0, colon)).trim();
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new LeakbenchError('E_USAGE', `--header must be a header name, or 'Name: value with {key}', got '${raw}'`);
  if (colon < 0) return { name };
  const template = raw.slice(colon + 1).trim();
  if (!template.includes('{key}')) throw new LeakbenchError('E_USAGE', `--header '${name}: …' needs {key} where the key goes, got '${raw}'`);
  return { name, template };
}
