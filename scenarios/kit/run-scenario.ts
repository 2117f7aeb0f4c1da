/**
 * Starting a scenario server: {@link startServer} for tests and tools (returns the bound port, so
 * port 0 works), and {@link runScenario}, the whole life of a variant's child process: read
 * `PORT`, listen on 127.0.0.1 only, announce the port on stdout, close gracefully on SIGTERM or
 * SIGINT.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildServerOptions } from './build-server.js';
import type { ScenarioVariant } from './variant.js';

/** Servers bind here and nowhere else: heap snapshots and keys must not leave the machine. */
export const SERVER_HOST = '127.0.0.1';

/** The line a variant prints once it listens; tests read the port from it. */
export const LISTENING_LINE = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/** How long a graceful close may take before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 3000;

/** A started server. */
export interface RunningServer {
  app: FastifyInstance;
  /** The port actually bound (useful when 0 was asked). */
  port: number;
  close(): Promise<void>;
}

/** Builds and starts `variant` on 127.0.0.1:`port` (0 = any free port). */
export async function startServer(
  variant: ScenarioVariant,
  port: number,
  options: BuildServerOptions = {},
): Promise<RunningServer> {
  const app = buildServer(variant, options);
  await app.listen({ host: SERVER_HOST, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  return { app, port: boundPort, close: () => app.close() };
}

/**
 * Parses `PORT` (0..65535, default 0). A bad value is reported on stderr with exit code 2: the
 * harness shows a server's stderr tail when it never becomes ready.
 */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env['PORT'] ?? '0';
  if (!/^\d{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port <= 65535 ? port : undefined;
}

/**
 * The entry point of a variant's child process. Resolves once listening; the process then lives
 * until SIGTERM/SIGINT, when the server stops accepting, finishes in-flight requests, runs the
 * variant's `onClose`, and exits 0. A grace timer forces the exit if a keep-alive client holds
 * the close open.
 */
export async function runScenario(variant: ScenarioVariant): Promise<void> {
  const port = portFromEnv();
  if (port === undefined) {
    process.stderr.write(`${variant.scenario}/${variant.variant}: PORT must be an integer 0..65535\n`);
    process.exitCode = 2;
    return;
  }
  let server: RunningServer;
  try {
    server = await startServer(variant, port);
  } catch (err) {
    process.stderr.write(`${variant.scenario}/${variant.variant}: cannot listen on ${SERVER_HOST}:${port}: ${String(err)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${variant.scenario}/${variant.variant} listening on http://${SERVER_HOST}:${server.port}\n`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    // A child process may exit here: it is the process's own entry point, not a library caller.
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    server.close().then(
      // Exit explicitly once closed: an IPC channel or an inspector session the harness opened
      // would otherwise keep the event loop alive until the grace timer.
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${variant.scenario}/${variant.variant}: error while closing after ${signal}: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/**
 * Runs `variant` when the calling module is the process's entry script (`node <file>.js`), and
 * does nothing when it is imported: tests and `npm run bench:micro` import a variant to call its
 * hooks directly, so they measure the very code the server runs. Pass `import.meta.url`.
 */
export async function runIfMain(moduleUrl: string, variant: ScenarioVariant): Promise<void> {
  const entry = process.argv[1];
  if (entry === undefined) return;
  let entryPath: string;
  let modulePath: string;
  try {
    entryPath = realpathSync(path.resolve(entry));
    modulePath = realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return;
  }
  if (entryPath === modulePath) await runScenario(variant);
}
