/**
 * Targets for servers leakbench did not write: a user's command (`run --cmd`) and a service
 * that is already running with `--inspect` (`attach`). Both measure with the same loop as the
 * scenarios (`runVariant`: load segments, after-GC samples, three snapshots in one inspector
 * session, the leak finder); a command without a Node inspector falls back to black-box mode
 * (`runBlackBox`: RSS only).
 */
import { LeakbenchError } from '../errors.js';
import { ensurePrivateDir } from '../probe/heap-probe.js';
import { inspectorUrlFromPort } from '../probe/inspector-session.js';
import { listeningSocketsOf } from '../server/listening-sockets.js';
import { pidsInGroup } from '../server/process-table.js';
import { startCommand } from '../server/start-command.js';
import type { ServerExit, ServerHandle } from '../server/start-server.js';
import type { ProgressEvent, VariantRun } from '../types.js';
import { nearLimitSnapshotArgs } from './crash-evidence.js';
import { nativeLaunch, siteEvidenceProbe, type NativeLaunch } from './native-evidence.js';
import { runBlackBox } from './run-blackbox.js';
import { runVariant, type VariantContext, type VariantTarget } from './run-variant.js';
import { isLoopbackHost } from '../loopback-host.js';
import type { SecretShape } from '../sent-secrets.js';

export { isLoopbackHost };

/** Where and how to send the load to a user's server. */
export interface CustomRequestShape {
  /** Path of the route under load (default `/v1/data`). */
  requestPath?: string;
  /** Header that carries the key (default `x-api-key`). */
  keyHeader?: string;
  /** The header's value with `{key}` where the key goes (`Bearer {key}`); default the key alone. */
  keyTemplate?: string;
  /** What a secret looks like in the values sent (`--secret-pattern`). */
  secretShape?: SecretShape;
}

/** Options of {@link commandTarget}. */
export interface CommandTargetOptions extends CustomRequestShape {
  /** Shell command line; it must listen on `$PORT`. */
  command: string;
  /** Extra Node flags through `NODE_OPTIONS` (e.g. `--max-old-space-size=64`). */
  nodeOptions?: string[];
  env?: Record<string, string>;
  /** Never inject the inspector: black-box mode even for Node (default false). */
  blackBox?: boolean;
  /** Run under heaptrack (native) or tracemalloc (Python) and read allocation sites (black-box loop). */
  native?: boolean;
}

/**
 * A `custom` variant that boots `command`. When a Node inspector announces itself, the full heap
 * loop runs; otherwise black-box mode.
 */
export function commandTarget(options: CommandTargetOptions): VariantTarget {
  const shape = requestShape(options);
  const command = ['/bin/sh', '-c', options.command];
  return {
    variant: 'custom',
    entry: options.command,
    command,
    ...shape,
    run: async (ctx: VariantContext): Promise<VariantRun> => {
      await ensurePrivateDir(ctx.variantDir);
      const emit = ctx.onProgress ?? (() => {});
      emit({ kind: 'phase', variant: 'custom', phase: 'boot', elapsedMs: 0 });
      // runVariant announces `boot` itself; it already happened here.
      const quiet = { ...ctx, onProgress: skipFirstBoot(emit) };
      const plain: VariantTarget = { variant: 'custom', entry: options.command, command, ...shape };
      let handle: ServerHandle;
      let launch: NativeLaunch | undefined;
      try {
        launch = options.native ? await nativeLaunch(options.command, ctx.variantDir) : undefined;
        handle = await startCommand({
          command: launch?.command ?? options.command,
          nodeOptions: [...nearLimitSnapshotArgs(ctx.variantDir), ...(options.nodeOptions ?? [])],
          inspect: !options.blackBox && !launch,
          ...(options.env || launch ? { env: { ...options.env, ...launch?.env } } : {}),
          ...(ctx.probe?.startTimeoutMs !== undefined ? { startTimeoutMs: ctx.probe.startTimeoutMs } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
      } catch (err) {
        // The run loop turns a boot failure into the same report entry as for a scenario.
        return runVariant({ ...quiet, target: { ...plain, launch: () => Promise.reject(err) } });
      }
      // leakbench asks for 127.0.0.1 (HOST) but cannot force a user's server: say so when it did not listen there.
      const exposed = listeningSocketsOf(pidsInGroup(handle.pid)).filter((s) => !s.loopback);
      for (const s of exposed) {
        emit({ kind: 'message', level: 'warn', text: `the server listens on ${s.address}:${s.port}, not only loopback: bind it to $HOST (127.0.0.1)` });
      }
      if (launch) {
        emit({ kind: 'message', level: 'info', text: `native mode: ${launch.tool} records allocation sites; RSS of the server process` });
        let probe;
        try {
          probe = siteEvidenceProbe(launch, handle, ctx.cwd ?? process.cwd());
        } catch (err) {
          await handle.kill();
          return runVariant({ ...quiet, target: { ...plain, launch: () => Promise.reject(err) } });
        }
        return runBlackBox(ctx, handle, probe);
      }
      if (handle.inspectorUrl !== undefined) return runVariant({ ...quiet, target: { ...plain, launch: async () => handle } });
      emit({ kind: 'message', level: 'info', text: 'no Node inspector announced: black-box mode (RSS of the process tree only)' });
      return runBlackBox(ctx, handle);
    },
  };
}

/** Options of {@link attachTarget}. */
export interface AttachTargetOptions extends CustomRequestShape {
  /** Inspector address of the running service (`127.0.0.1:9229`). */
  inspectHost: string;
  inspectPort: number;
  /** Origin of the service, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
}

/**
 * A `custom` variant for a service already running with `--inspect`. leakbench did not start it
 * and never stops it: the handle's `kill` only lets go.
 */
export function attachTarget(options: AttachTargetOptions): VariantTarget {
  const shape = requestShape(options);
  return {
    variant: 'custom',
    entry: options.baseUrl,
    command: ['(attached)', `--inspect=${options.inspectHost}:${options.inspectPort}`, options.baseUrl],
    ...shape,
    launch: async (): Promise<ServerHandle> => {
      const inspectorUrl = await inspectorUrlFromPort(options.inspectHost, options.inspectPort);
      const host = new URL(inspectorUrl).hostname;
      if (!isLoopbackHost(host)) {
        throw new LeakbenchError('E_NOT_LOOPBACK', `the inspector at ${options.inspectHost}:${options.inspectPort} announced a non-loopback websocket (${host})`);
      }
      const port = Number(new URL(options.baseUrl).port || 80);
      const released: ServerExit = { exitCode: null, signal: null, heapLimit: false, stderrTail: '', killedByHarness: true };
      return {
        pid: 0,
        port,
        baseUrl: options.baseUrl,
        inspectorUrl,
        command: ['(attached)', inspectorUrl],
        // Not ours: we cannot see it exit (a closed inspector shows up as E_INSPECTOR instead).
        exited: new Promise<ServerExit>(() => {}),
        exit: undefined,
        outputTail: () => '',
        kill: async () => released,
      };
    },
  };
}


function requestShape(o: CustomRequestShape): CustomRequestShape {
  return {
    ...(o.requestPath ? { requestPath: o.requestPath } : {}),
    ...(o.keyHeader ? { keyHeader: o.keyHeader } : {}),
    ...(o.keyTemplate ? { keyTemplate: o.keyTemplate } : {}),
    ...(o.secretShape ? { secretShape: o.secretShape } : {}),
  };
}

function skipFirstBoot(emit: (e: ProgressEvent) => void): (e: ProgressEvent) => void {
  let skipped = false;
  return (e) => {
    if (!skipped && e.kind === 'phase' && e.phase === 'boot') {
      skipped = true;
      return;
    }
    emit(e);
  };
}
