import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Frontend messages after which a connection may hand PGlite to another one (outside a transaction). */
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/**
 * Serves one PGlite database to many Postgres clients over the wire protocol.
 *
 * PGlite has a single session, so connections take turns. The unit of a turn is what keeps
 * clients correct: a connection keeps the session from its first message until a Sync or a
 * simple Query completes **outside a transaction**. That keeps an extended-protocol exchange
 * (Parse, Bind, Describe, Execute, Sync) and a whole transaction together. (The stock
 * pglite-socket multiplexer hands over between single messages outside transactions, so two
 * concurrent parameterised queries can bind to each other's unnamed statement.)
 */
export class PgliteWireServer {
  private server: Server | undefined;
  private owner: Socket | undefined;
  private waiters: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly db: PGlite) {}

  async listen(port: number, host: string): Promise<void> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async acquire(socket: Socket): Promise<void> {
    while (this.owner !== undefined && this.owner !== socket) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.owner = socket;
  }

  private release(socket: Socket): void {
    if (this.owner !== socket) return;
    this.owner = undefined;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    // Messages of one connection are handled strictly in order.
    let chain: Promise<void> = Promise.resolve();

    const onClose = () => {
      this.sockets.delete(socket);
      chain = chain.then(async () => {
        if (this.owner === socket) {
          // A client that vanished mid-transaction must not leave the session inside it.
          if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
          this.release(socket);
        }
      });
    };
    socket.on('close', onClose);
    socket.on('error', () => socket.destroy());

    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (buffer.length < length) return;
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N'); // no TLS on loopback; the client continues in plain text
            continue;
          }
          if (code === CANCEL_REQUEST) {
            socket.end();
            return;
          }
          started = true;
          // The startup exchange ends with ReadyForQuery: the turn ends with it.
          chain = chain.then(() => this.run(socket, message, true));
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        const type = message[0]!;
        if (type === TERMINATE) {
          socket.end();
          return;
        }
        chain = chain.then(() => this.run(socket, message, type === SYNC || type === QUERY));
      }
    });
  }

  private async run(socket: Socket, message: Uint8Array, endsTurn: boolean): Promise<void> {
    await this.acquire(socket);
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(new Uint8Array(message), {
          onRawData: (out) => {
            if (socket.writable) socket.write(Buffer.from(out));
          },
        }),
      );
    } catch {
      // PGlite reports SQL errors on the wire itself; a throw here means the session broke.
      socket.destroy();
    } finally {
      if ((endsTurn && !this.db.isInTransaction()) || socket.destroyed) {
        if (socket.destroyed && this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
        this.release(socket);
      }
    }
  }
}
