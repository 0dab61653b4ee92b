import { createServer } from 'node:net';

/**
 * A loopback TCP port the OS reports free. Nest's TCP transport needs its port before it
 * starts, and the client needs the same number, so the OS picks one and it is released at once.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
