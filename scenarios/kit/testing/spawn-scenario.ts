/**
 * Boots a compiled scenario variant as a real child process on 127.0.0.1 port 0 and reads the
 * bound port from its "listening" line. For integration tests; the harness has its own target.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DIST_DIR } from '../../../harness/paths.js';
import { LISTENING_LINE } from '../run-scenario.js';

/** A running variant. */
export interface SpawnedScenario {
  child: ChildProcess;
  port: number;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Path of the compiled entry of `<scenario>/<variant>`. */
export function compiledEntry(scenario: string, variant: string): string {
  return path.join(DIST_DIR, 'scenarios', scenario, `${variant}.js`);
}

/** Starts `dist/scenarios/<scenario>/<variant>.js` with PORT=0 and waits until it listens. */
export async function spawnScenario(
  scenario: string,
  variant: string,
  options: { env?: NodeJS.ProcessEnv; startTimeoutMs?: number } = {},
): Promise<SpawnedScenario> {
  const entry = compiledEntry(scenario, variant);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx tsc -p tsconfig.json\` first`);
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...options.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (graceMs = 3000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${scenario}/${variant} did not listen within ${options.startTimeoutMs ?? 15_000} ms: ${stderr}`)),
        options.startTimeoutMs ?? 15_000,
      );
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const match = LISTENING_LINE.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${scenario}/${variant} exited with ${code} before listening: ${stderr}`));
      });
    });
    return { child, port, stderr: () => stderr, stop };
  } catch (err) {
    await stop(500);
    throw err;
  }
}
