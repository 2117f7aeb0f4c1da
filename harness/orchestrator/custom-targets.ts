/**
 * Targets for servers leakbench did not write: a user's command (`run --cmd`) and a service
 * that is already running with `--inspect` (`attach`). Each only says how to launch (or reach) the
 * server; the one run lifecycle (`runVariant`) measures it, with heap evidence when an inspector
 * announced itself and RSS from /proc (black-box) when none did.
 */
import { LeakbenchError } from '../errors.js';
import { inspectorUrlFromPort } from '../probe/inspector-session.js';
import { listeningSocketsOf } from '../server/listening-sockets.js';
import { pidsInGroup } from '../server/process-table.js';
import { startCommand } from '../server/start-command.js';
import type { ServerExit, ServerHandle } from '../server/start-server.js';
import type { VariantTarget } from './run-variant.js';
import { nativeLaunch, siteEvidenceProbe, type NativeLaunch } from './native-evidence.js';
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
  /** Run under heaptrack (native) or tracemalloc (Python) and read allocation sites (`--native`, no inspector). */
  native?: boolean;
}

/**
 * A `custom` variant that boots `command`. When a Node inspector announces itself, the full heap
 * loop runs; otherwise black-box mode.
 */
export function commandTarget(options: CommandTargetOptions): VariantTarget {
  const shape = requestShape(options);
  // --native: the command runs under its allocation-site tool; the lifecycle marks and reads it.
  let launched: NativeLaunch | undefined;
  return {
    variant: 'custom',
    entry: options.command,
    command: ['/bin/sh', '-c', options.command],
    ...shape,
    ...(options.native ? { siteEvidence: (server: ServerHandle, cwd: string) => siteEvidenceProbe(launched!, server, cwd) } : {}),
    launch: async (signal, extras, emit): Promise<ServerHandle> => {
      launched = options.native ? await nativeLaunch(options.command, extras.variantDir) : undefined;
      const env = options.env || launched ? { ...options.env, ...launched?.env } : undefined;
      const handle = await startCommand({
        command: launched?.command ?? options.command,
        nodeOptions: [...extras.nodeOptions.map(quoteNodeOption), ...(options.nodeOptions ?? [])],
        inspect: !options.blackBox && !launched,
        ...(env ? { env } : {}),
        ...(extras.startTimeoutMs !== undefined ? { startTimeoutMs: extras.startTimeoutMs } : {}),
        signal,
      });
      // leakbench asks for 127.0.0.1 (HOST) but cannot force a user's server: say so when it did not listen there.
      const exposed = listeningSocketsOf(pidsInGroup(handle.pid)).filter((s) => !s.loopback);
      for (const s of exposed) {
        emit({ kind: 'message', level: 'warn', text: `the server listens on ${s.address}:${s.port}, not only loopback: bind it to $HOST (127.0.0.1)` });
      }
      return handle;
    },
  };
}

/** NODE_OPTIONS splits on spaces: a value with a path in it is quoted. */
function quoteNodeOption(option: string): string {
  const eq = option.indexOf('=');
  return eq > 0 && /\s/.test(option) ? `${option.slice(0, eq + 1)}"${option.slice(eq + 1)}"` : option;
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
    attached: true,
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
