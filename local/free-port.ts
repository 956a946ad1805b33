import { createServer } from 'node:net';

/**
 * Asks the operating system for a port nobody is listening on. Another process could take it
 * between this close and the caller's listen; callers that cannot tolerate that retry.
 */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('Could not read the port the operating system assigned'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * True when nothing listens on `port` on any interface. DynamoDB Local binds every
 * interface, and a client probing a taken port would get answers from the wrong server.
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
