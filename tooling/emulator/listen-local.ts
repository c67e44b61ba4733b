/**
 * Starts an emulator's HTTP server and gives back what both emulators hand their callers: the
 * port it got (0 asks the OS for a free one), its base URL, and an idempotent close that also
 * ends keep-alive connections, so a test's teardown never waits for idle sockets.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function listenLocal(server: Server, options: { host?: string | undefined; port?: number | undefined }): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
