/**
 * `leakbench attach --inspect 127.0.0.1:<port> --url http://127.0.0.1:<port>/<path>`: the same load,
 * memory sampling, three heap snapshots (one inspector session) and leak finder as `run`, against a
 * Node service that is already running with `--inspect`. leakbench did not start it and never
 * stops it; forced GCs and snapshots pause it, so point this at a test instance, not production.
 * Only loopback addresses are accepted (`E_NOT_LOOPBACK`): the inspector can run any code in the
 * process, and snapshots carry its secrets.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_LOAD } from '../../catalog.js';
import { LeakbenchError } from '../../errors.js';
import { REPORTS_DIR } from '../../paths.js';
import { evaluateGates, parseExpect, parseFailOnGates, parseMaxResidentSecrets } from '../gates.js';
import { parseKeyHeader } from '../run-extras.js';
import { isLoopbackHost } from '../../loopback-host.js';
import type { CommandModule } from '../main.js';
import { loadPlanFromFlags, type LoadFlags } from '../options.js';
import { resolveAllocationProbe, type AllocationFlags } from '../allocation-options.js';

interface AttachFlags extends LoadFlags {
  inspect?: string;
  url?: string;
  header?: string;
  name: string;
  out?: string;
  json?: boolean;
  failOn?: string;
  maxResidentSecrets?: string;
  secretPattern?: string;
  expect?: string;
  keepSnapshots?: boolean;
}

/** Parses `host:port` of an inspector; refuses anything but loopback. */
export function parseInspectAddress(raw: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(raw);
  if (!m) throw new LeakbenchError('E_USAGE', `--inspect must be host:port (e.g. 127.0.0.1:9229), got '${raw}'`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LeakbenchError('E_USAGE', `--inspect port must be 1..65535, got '${m[2]}'`);
  if (!isLoopbackHost(host)) throw new LeakbenchError('E_NOT_LOOPBACK', `--inspect ${raw}: leakbench only attaches to an inspector on 127.0.0.1, ::1 or localhost`);
  return { host, port };
}

/** Parses the service URL; refuses anything but http on loopback. */
export function parseServiceUrl(raw: string): { baseUrl: string; requestPath: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LeakbenchError('E_USAGE', `--url must be a URL like http://127.0.0.1:3000/v1/data, got '${raw}'`);
  }
  if (url.protocol !== 'http:') throw new LeakbenchError('E_USAGE', `--url must be http://, got '${raw}'`);
  if (!isLoopbackHost(url.hostname)) throw new LeakbenchError('E_NOT_LOOPBACK', `--url ${raw}: leakbench only sends load to 127.0.0.1, ::1 or localhost`);
  return { baseUrl: url.origin, requestPath: `${url.pathname}${url.search}` };
}

export const attachCommand: CommandModule = {
  register(program: Command, io, result) {
    program
      .command('attach')
      .description('measure a Node service already running with --inspect: same load, samples, snapshots and analysis as run (it is never stopped)')
      .requiredOption('--inspect <host:port>', 'inspector address of the service (loopback only), e.g. 127.0.0.1:9229')
      .requiredOption('--url <url>', 'route to load, e.g. http://127.0.0.1:3000/v1/data (loopback only)')
      .option('--header <name>', "header that carries the key (default X-API-Key), or 'Name: template' with {key} (e.g. 'Authorization: Bearer {key}')")
      .option('--secret-pattern <regex>', 'what a secret looks like in the values sent (group 1 or (?<secret>…) is the secret part; default: lk_<id>_<checksum>, the checksum)')
      .option('--name <name>', "the report's scenario name", 'custom')
      .option('--duration <s>', 'seconds of measured load after warm-up (default 20)')
      .option('--warmup <s>', 'seconds of warm-up load (default 5)')
      .option('--connections <n>', 'concurrent HTTP connections (default 10)')
      .option('--rate <n|max>', "requests per second, or 'max' (default 2000)")
      .option('--keys <mode>', "'unique' or 'pool:N' (keys in the lk_<id>_<checksum> format)")
      .option('--invalid-ratio <r>', 'share of requests with a bad or missing key, 0..1 (default 0.05)')
      .option('--post-ratio <r>', 'share of POST requests, 0..1 (default 0.2)')
      .option('--out <dir>', 'parent directory of the reports', path.relative(process.cwd(), REPORTS_DIR) || '.')
      .option('--json', 'print the report as JSON on stdout')
      .option('--fail-on <what>', "exit 3 on 'leak' and/or 'key-residency' (completed requests' secrets still in memory), comma-separated")
      .option('--max-resident-secrets <n>', 'with --fail-on key-residency: keys whose secret may stay in memory (default 0)')
      .option('--expect <verdict>', 'exit 3 unless the verdict is this')
      .option('--no-keep-snapshots', 'delete the heap snapshots after the analysis (they contain secrets)')
      .option('--allocation-stacks', 'record the allocation stack of every object from the end of warm-up (exact "allocated at"; slows the service)')
      .option('--no-allocation-sampling', 'without --allocation-stacks: do not run the sampling heap profiler either')
      .addHelpText(
        'after',
        [
          '',
          'Start your service with the inspector on loopback, then attach:',
          '  node --inspect=127.0.0.1:9229 server.js &',
          '  leakbench attach --inspect 127.0.0.1:9229 --url http://127.0.0.1:3000/v1/data',
          'Forced GCs and heap snapshots pause the service for seconds: use a test instance.',
        ].join('\n'),
      )
      .action(async (flags: AttachFlags & AllocationFlags) => {
        const inspect = parseInspectAddress(flags.inspect ?? '');
        const { baseUrl, requestPath } = parseServiceUrl(flags.url ?? '');
        if (!/^[a-z0-9][a-z0-9-]*$/.test(flags.name)) throw new LeakbenchError('E_USAGE', `--name must be kebab-case, got '${flags.name}'`);
        const header = parseKeyHeader(flags.header);
        const { parseSecretPattern } = await import('../../sent-secrets.js');
        const secretShape = flags.secretPattern !== undefined ? parseSecretPattern(flags.secretPattern) : undefined;
        const d = DEFAULT_LOAD;
        // The run loop loads here, not at start-up: registering `attach` must stay cheap.
        const [{ keySecret }, { parseKeyMode }, { attachTarget }, { runScenario }, { createProgressPrinter, renderSummary }, { serializeRunReport }] =
          await Promise.all([
            import('../../../scenarios/kit/api-key.js'),
            import('../../load/request-mix.js'),
            import('../../orchestrator/custom-targets.js'),
            import('../../orchestrator/run-scenario.js'),
            import('../../report/terminal.js'),
            import('../../report/write-report.js'),
          ]);
        const load = loadPlanFromFlags(flags, d, parseKeyMode);
        const gates = { ...parseFailOnGates(flags.failOn), maxResidentSecrets: parseMaxResidentSecrets(flags.maxResidentSecrets), expect: parseExpect(flags.expect) };

        const progress = createProgressPrinter(io.stderr, { tty: Boolean(io.stderr.isTTY) && !flags.json });
        const { report, reportPath } = await runScenario(
          {
            scenario: flags.name,
            targets: [
              attachTarget({
                inspectHost: inspect.host,
                inspectPort: inspect.port,
                baseUrl,
                requestPath,
                ...(header !== undefined ? { keyHeader: header.name } : {}),
                ...(header?.template !== undefined ? { keyTemplate: header.template } : {}),
                ...(secretShape ? { secretShape } : {}),
              }),
            ],
            load,
            reportsDir: path.resolve(flags.out ?? REPORTS_DIR),
            secret: keySecret(),
            keepSnapshots: flags.keepSnapshots !== false,
            probe: resolveAllocationProbe(flags),
          },
          { onProgress: progress, signal: io.signal },
        );
        if (flags.json) io.stdout.write(serializeRunReport(report));
        else io.stdout.write(`\n${renderSummary(report)}report: ${path.relative(process.cwd(), reportPath)}\n`);
        const errored = report.runs.filter((r) => r.error);
        for (const r of errored) io.stderr.write(`leakbench: ${r.variant}: ${r.error!.message} [${r.error!.code}]\n`);
        if (errored.length > 0 && !io.signal.aborted) result.code = 2;
        const failures = evaluateGates(report, gates);
        for (const f of failures) io.stderr.write(`leakbench: gate failed: ${f}\n`);
        if (failures.length > 0 && !io.signal.aborted) result.code = 3;
      });
  },
};
