/**
 * The request options of `run` and `attach`: `--workload <file>`, `--openapi <spec>` with
 * `--include` / `--exclude`, `--per-endpoint` and the repeatable `--header`. Without `--workload`
 * or `--openapi`, a `leakbench.config.json` / `.mjs` in the working directory is the workload of a
 * user's server (`--cmd`, `attach`); without any of them the built-in key mix is.
 */
import type { Command } from 'commander';
import { LeakbenchError } from '../errors.js';
import type { WorkloadPlan } from '../load/workload.js';

/** Raw values of the options {@link addWorkloadOptions} registers. */
export interface WorkloadFlags {
  workload?: string;
  openapi?: string;
  include?: string[];
  exclude?: string[];
  perEndpoint?: boolean;
  /**
   * `--header 'Name: value'` (repeatable), or the key's header: a bare `--header <name>`, or
   * `--header 'Name: … {key} …'` with `{key}` where the minted key goes.
   */
  header?: string[];
}

/** What the flags resolve to. */
export interface ResolvedWorkload {
  workload?: WorkloadPlan;
  /** Headers on every request. */
  headers?: Record<string, string>;
  /** The header that carries the minted key (key mix only): a bare name, or a value template with `{key}`. */
  keyHeader?: { name: string; template?: string };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

/** Registers the options on `command`. */
export function addWorkloadOptions(command: Command): void {
  command
    .option('--workload <file>', 'requests to send (JSON or .mjs): routes, methods, bodies, weights, templated values; see docs/workloads.md')
    .option('--openapi <spec>', 'build the workload from an OpenAPI 2.0/3.0/3.1 description (YAML or JSON)')
    .option('--include <sel>', 'with --openapi: only operations with this tag or operationId, or under this /path (comma-separated, repeatable)', collectList)
    .option('--exclude <sel>', 'with --openapi: drop operations with this tag or operationId, or under this /path', collectList)
    .option('--per-endpoint', 'one load window per workload request between snapshots: growth attributed per endpoint')
    .option(
      '--header <header>',
      "'Name: value' on every request (repeatable; templates such as {{env TOKEN}} allowed); with --cmd or attach, a bare name or 'Name: … {key} …' is the header carrying the minted key (default X-API-Key)",
      collect,
    );
}

/**
 * Resolves the flags (before anything starts). `userServer` is true for `--cmd` and `attach`: only
 * then is a config file in `cwd` picked up.
 */
export async function resolveWorkload(flags: WorkloadFlags, userServer: boolean, cwd = process.cwd()): Promise<ResolvedWorkload> {
  const out: ResolvedWorkload = {};
  const { parseHeaderFlag } = await import('../load/workload.js');
  for (const raw of flags.header ?? []) {
    if (!raw.includes(':') || raw.includes('{key}')) {
      if (!userServer) throw new LeakbenchError('E_USAGE', `--header ${raw}: the key's header only applies with --cmd or attach; give 'Name: value' for a header on every request`);
      const { parseKeyHeader } = await import('./run-extras.js');
      const key = parseKeyHeader(raw)!;
      if (out.keyHeader !== undefined) throw new LeakbenchError('E_USAGE', `--header: one key header only (got ${out.keyHeader.name} and ${key.name})`);
      out.keyHeader = key;
      continue;
    }
    const [name, value] = parseHeaderFlag(raw);
    (out.headers ??= {})[name] = value;
  }
  if (flags.workload !== undefined && flags.openapi !== undefined) throw new LeakbenchError('E_USAGE', 'give --workload or --openapi, not both');
  if ((flags.include || flags.exclude) && flags.openapi === undefined) throw new LeakbenchError('E_USAGE', '--include and --exclude only apply with --openapi');
  const perEndpoint = flags.perEndpoint === true ? { perEndpoint: true } : {};
  if (flags.openapi !== undefined) {
    const { openApiWorkload } = await import('../load/openapi-workload.js');
    const spec = await openApiWorkload(flags.openapi, { ...(flags.include ? { include: flags.include } : {}), ...(flags.exclude ? { exclude: flags.exclude } : {}) });
    out.workload = { spec, kind: 'openapi', from: flags.openapi, ...perEndpoint };
  } else if (flags.workload !== undefined) {
    const { readWorkloadFile } = await import('../load/read-workload.js');
    out.workload = { spec: await readWorkloadFile(flags.workload), kind: 'file', from: flags.workload, ...perEndpoint };
  } else if (userServer) {
    const { findConfigFile, readWorkloadFile } = await import('../load/read-workload.js');
    const config = findConfigFile(cwd);
    if (config) out.workload = { spec: await readWorkloadFile(config), kind: 'config', from: config, ...perEndpoint };
  }
  if (flags.perEndpoint && !out.workload) throw new LeakbenchError('E_USAGE', '--per-endpoint needs a workload: --workload, --openapi or a leakbench.config file');
  if (out.workload) {
    // Catch a bad template or a missing environment variable now, before a server starts.
    const { compileWorkload } = await import('../load/workload.js');
    compileWorkload(out.workload.spec, { secret: 'check', ...(out.headers ? { extraHeaders: out.headers } : {}) });
  }
  return out;
}
