/**
 * A free TCP port on 127.0.0.1, found by binding port 0 and closing again. The server under test
 * reads its port from `PORT`, so the harness must choose it. Another process can take the port in
 * the window between closing and the child binding (a Node server binds ~0.1–0.3 s later):
 * {@link startOnFreePort} then starts the child again on a new port.
 */
import net from 'node:net';
import { LeakbenchError } from '../errors.js';

/** Resolves to a port the OS just reported free on `host`. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}

/** Starts with a new port this many times at most when the chosen one was taken meanwhile. */
export const MAX_PORT_ATTEMPTS = 3;

/** Thrown by a `start` of {@link startOnFreePort}: the child died on EADDRINUSE for its own port. */
export class PortTaken extends Error {
  constructor(readonly crash: LeakbenchError) {
    super(crash.message);
  }
}

/** True when a child's output says its bind to `port` failed because the port was in use. */
export function lostPort(output: string, port: number): boolean {
  return /EADDRINUSE/.test(output) && output.includes(`:${port}`);
}

/**
 * Runs `start` on a fresh free port; when it throws {@link PortTaken} (the port was taken in the
 * gap), again on a new port, up to {@link MAX_PORT_ATTEMPTS} times, then one `E_SERVER_CRASHED`
 * that says so (with the child's output from the last `crash` message). `what` names the server.
 */
export async function startOnFreePort<T>(what: string, start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await findFreePort());
    } catch (err) {
      if (!(err instanceof PortTaken)) throw err;
      if (attempt === MAX_PORT_ATTEMPTS) {
        const output = err.crash.message.search(/; (server )?output/);
        throw new LeakbenchError(
          'E_SERVER_CRASHED',
          `${what} could not listen: its port was in use (EADDRINUSE) on ${MAX_PORT_ATTEMPTS} tries with fresh ports${output < 0 ? '' : err.crash.message.slice(output)}`,
          { cause: err.crash },
        );
      }
    }
  }
}
