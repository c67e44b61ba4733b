import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { SCRAM_MECHANISM, ScramError, ScramServerExchange, scramVerifier, type ScramVerifier } from './scram-auth.ts';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Frontend messages after which a connection may hand PGlite to another one (outside a transaction). */
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
/** Backend NotificationResponse: routed to the connections that listen, not to the session's owner. */
const NOTIFICATION = 0x41; // 'A'
/** Frontend SASLInitialResponse and SASLResponse share this type byte. */
const SASL_RESPONSE = 0x70; // 'p'
/** Backend Authentication* and ErrorResponse. */
const AUTHENTICATION = 0x52; // 'R'
const ERROR_RESPONSE = 0x45; // 'E'
const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;
/** Postgres's `authentication_timeout` is 60 s; a silent client is dropped sooner here. */
const AUTH_TIMEOUT_MS = 30_000;

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

/** A backend message: type byte, Int32 length (itself included), body. */
function backendMessage(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function authenticationMessage(code: number, data: Buffer): Buffer {
  const codeBytes = Buffer.alloc(4);
  codeBytes.writeInt32BE(code, 0);
  return backendMessage(AUTHENTICATION, Buffer.concat([codeBytes, data]));
}

/** FATAL 28P01 (invalid_password), what Postgres sends for a wrong, missing or garbled password. */
function passwordFailedMessage(user: string): Buffer {
  const field = (code: string, value: string) => Buffer.from(`${code}${value}\0`, 'utf8');
  return backendMessage(
    ERROR_RESPONSE,
    Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '28P01'), field('M', `password authentication failed for user "${user}"`), Buffer.from([0])]),
  );
}

/** The `user` parameter of a StartupMessage (Int32 length, Int32 protocol, name\0value\0 pairs). */
function startupUser(message: Buffer): string {
  const fields = message.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'user') return fields[i + 1]!;
  return '';
}

export interface PgliteWireServerOptions {
  /** The one password every connection must prove with SCRAM-SHA-256 (any user name). */
  password: string;
}

/**
 * Serves one PGlite database to many Postgres clients over the wire protocol.
 *
 * Every connection authenticates first with SCRAM-SHA-256 against the stack's generated
 * password, as a real Postgres with `scram-sha-256` in pg_hba.conf would; nothing reaches PGlite
 * before that succeeds (PGlite itself trusts whoever talks to it).
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

  private readonly verifier: ScramVerifier;

  constructor(
    private readonly db: PGlite,
    options: PgliteWireServerOptions,
  ) {
    if (!options.password) throw new Error('the embedded Postgres needs a password');
    this.verifier = scramVerifier(options.password);
  }

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
    // Until the password is proven: the held StartupMessage, and the SCRAM exchange under way.
    let startup: Buffer | undefined;
    let exchange: ScramServerExchange | undefined;
    let authenticated = false;
    let refused = false;
    const authTimer = setTimeout(() => socket.destroy(), AUTH_TIMEOUT_MS);
    authTimer.unref();
    // Messages of one connection are handled strictly in order.
    let chain: Promise<void> = Promise.resolve();

    /** One frontend message before authentication; false when the connection is refused. */
    const authenticate = (message: Buffer): boolean => {
      const user = startupUser(startup!);
      try {
        if (message[0] !== SASL_RESPONSE) throw new ScramError('password required');
        const body = message.subarray(5);
        let reply: Buffer;
        if (!exchange) {
          // SASLInitialResponse: mechanism\0, Int32 length of the client-first-message, the message.
          const end = body.indexOf(0);
          if (end < 0 || body.subarray(0, end).toString('utf8') !== SCRAM_MECHANISM || body.length < end + 5) throw new ScramError('unsupported SASL mechanism');
          const length = body.readInt32BE(end + 1);
          if (length < 0 || body.length !== end + 5 + length) throw new ScramError('malformed SASLInitialResponse');
          exchange = new ScramServerExchange(this.verifier);
          reply = authenticationMessage(AUTH_SASL_CONTINUE, Buffer.from(exchange.first(body.subarray(end + 5).toString('utf8')), 'utf8'));
        } else {
          reply = authenticationMessage(AUTH_SASL_FINAL, Buffer.from(exchange.final(body.toString('utf8')), 'utf8'));
          authenticated = true;
          clearTimeout(authTimer);
        }
        socket.write(reply);
        return true;
      } catch (err) {
        if (!(err instanceof ScramError)) throw err;
        refused = true;
        socket.end(passwordFailedMessage(user));
        return false;
      }
    };

    const onClose = () => {
      clearTimeout(authTimer);
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
      if (refused) return;
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          // Postgres caps a StartupMessage at 10,000 bytes; anything else is not a client.
          if (length < 8 || length > 10_000) {
            socket.destroy();
            return;
          }
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
          // PGlite sees the StartupMessage only once the password is proven.
          startup = Buffer.from(message);
          socket.write(authenticationMessage(AUTH_SASL, Buffer.from(`${SCRAM_MECHANISM}\0\0`, 'utf8')));
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        // Before the password is proven a client gets no room to make the server buffer much.
        if (length < 5 || (!authenticated && length > 10_000)) {
          socket.destroy();
          return;
        }
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        const type = message[0]!;
        if (type === TERMINATE) {
          socket.end();
          return;
        }
        if (!authenticated) {
          if (!authenticate(Buffer.from(message))) return;
          if (authenticated) {
            // PGlite answers AuthenticationOk, the parameters and ReadyForQuery: the turn ends with it.
            const held = startup!;
            chain = chain.then(() => this.run(socket, held, true));
          }
          continue;
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
