import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Frontend messages after which a connection may hand PGlite to another one (outside a transaction). */
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
/** Backend NotificationResponse: routed to the connections that listen, not to the session's owner. */
const NOTIFICATION = 0x41; // 'A'

/** `LISTEN x`, `UNLISTEN x` or `UNLISTEN *` as a simple query (how pg clients send them). */
const LISTEN_COMMAND = /^\s*(UN)?LISTEN\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*|\*)\s*;?\s*$/i;

function channelName(token: string): string {
  // Quoted identifiers keep their case; unquoted ones fold to lower case, as Postgres does.
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A simple Query message carrying `sql`. */
function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/**
 * Serves one PGlite database to many Postgres clients over the wire protocol.
 *
 * PGlite has a single session, so connections take turns. The unit of a turn is what keeps
 * clients correct: a connection keeps the session from its first message until a Sync or a
 * simple Query completes **outside a transaction**. That keeps an extended-protocol exchange
 * (Parse, Bind, Describe, Execute, Sync) and a whole transaction together. (The stock
 * pglite-socket multiplexer hands over between single messages outside transactions, so two
 * concurrent parameterised queries can bind to each other's unnamed statement.)
 *
 * LISTEN/NOTIFY: the one session listens to the union of every connection's channels. A
 * notification appears in the output of whichever connection is running when it is delivered,
 * so the server takes NotificationResponse messages out of every output and hands each to the
 * connections that listen to its channel. An UNLISTEN only reaches PGlite once no other
 * connection listens to that channel.
 */
export class PgliteWireServer {
  private server: Server | undefined;
  private owner: Socket | undefined;
  private waiters: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();
  /** channel -> connections listening to it */
  private readonly listeners = new Map<string, Set<Socket>>();

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
        await this.dropListens(socket);
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
        const rewritten = type === QUERY ? this.trackListen(socket, message) : message;
        chain = chain.then(() => this.run(socket, rewritten, type === SYNC || type === QUERY));
      }
    });
  }

  /**
   * Records what a LISTEN/UNLISTEN query does for this connection and returns the message to
   * run: an UNLISTEN of a channel someone else still listens to becomes one of a channel nobody
   * uses, so the client still gets its usual `UNLISTEN` reply.
   */
  private trackListen(socket: Socket, message: Uint8Array): Uint8Array {
    const sql = Buffer.from(message.subarray(5, message.length - 1)).toString('utf8');
    const match = LISTEN_COMMAND.exec(sql);
    if (!match) return message;
    const unlisten = match[1] !== undefined;
    const token = match[2]!;
    if (!unlisten) {
      const name = channelName(token);
      let set = this.listeners.get(name);
      if (!set) this.listeners.set(name, (set = new Set()));
      set.add(socket);
      return message;
    }
    const names = token === '*' ? [...this.listeners.keys()] : [channelName(token)];
    const stillUsed: string[] = [];
    const unused: string[] = [];
    for (const name of names) {
      const set = this.listeners.get(name);
      if (!set?.has(socket)) continue;
      set.delete(socket);
      if (set.size === 0) {
        this.listeners.delete(name);
        unused.push(name);
      } else {
        stillUsed.push(name);
      }
    }
    if (token === '*') {
      // Only the channels this connection alone listened to leave the session.
      return queryMessage(unused.length === 0 ? 'UNLISTEN "soma_wire_noop"' : unused.map((n) => `UNLISTEN ${quoteIdent(n)}`).join('; '));
    }
    return stillUsed.length > 0 ? queryMessage('UNLISTEN "soma_wire_noop"') : message;
  }

  private async dropListens(socket: Socket): Promise<void> {
    const unused: string[] = [];
    for (const [name, set] of this.listeners) {
      if (!set.delete(socket)) continue;
      if (set.size === 0) {
        this.listeners.delete(name);
        unused.push(name);
      }
    }
    for (const name of unused) await this.db.exec(`UNLISTEN ${quoteIdent(name)}`).catch(() => undefined);
  }

  /** Sends one NotificationResponse message to every connection listening to its channel. */
  private deliver(message: Buffer): void {
    // Int32 length, Int32 pid, channel\0, payload\0
    const end = message.indexOf(0, 9);
    const channel = message.subarray(9, end).toString('utf8');
    for (const listener of this.listeners.get(channel) ?? []) {
      if (listener.writable) listener.write(message);
    }
  }

  private async run(socket: Socket, message: Uint8Array, endsTurn: boolean): Promise<void> {
    await this.acquire(socket);
    // Output arrives in chunks that need not end on message boundaries.
    let pending = Buffer.alloc(0);
    const forward = (out: Uint8Array) => {
      const data = pending.length > 0 ? Buffer.concat([pending, out]) : Buffer.from(out);
      let offset = 0;
      let passFrom = 0;
      const passed: Buffer[] = [];
      while (data.length - offset >= 5) {
        const length = 1 + data.readInt32BE(offset + 1);
        if (data.length - offset < length) break;
        if (data[offset] === NOTIFICATION) {
          if (offset > passFrom) passed.push(data.subarray(passFrom, offset));
          this.deliver(data.subarray(offset, offset + length));
          passFrom = offset + length;
        }
        offset += length;
      }
      if (offset > passFrom) passed.push(data.subarray(passFrom, offset));
      pending = Buffer.from(data.subarray(offset));
      if (passed.length > 0 && socket.writable) socket.write(passed.length === 1 ? passed[0]! : Buffer.concat(passed));
    };
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(new Uint8Array(message), { onRawData: forward }));
      if (pending.length > 0 && socket.writable) socket.write(pending);
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
