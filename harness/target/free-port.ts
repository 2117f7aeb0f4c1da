/**
 * A free TCP port on 127.0.0.1, found by binding port 0 and closing again. The server under test
 * reads its port from `PORT`, so the harness must choose it. Another process can take the port in
 * the tiny window between closing and the child binding: `startServer` then starts the child again
 * on a new port (a `--cmd` server, `start-command.ts`, reports the failure as it is).
 */
import net from 'node:net';

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
