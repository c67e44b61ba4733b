import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The one SASL mechanism offered: what `pg` and libpq speak by default (no TLS, so no -PLUS). */
export const SCRAM_MECHANISM = 'SCRAM-SHA-256';

/** Postgres's default `scram_iterations`. */
const ITERATIONS = 4096;

/**
 * What the server keeps of the password (RFC 5802 §3): enough to check a client's proof and
 * to sign the answer, computed once at start so a connection costs the server two HMACs.
 */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): ScramVerifier {
  // SASLprep is skipped: the stack's passwords are generated ASCII, which it leaves unchanged.
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return { salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** Why an exchange failed; the wire server answers every one with 28P01 and closes. */
export class ScramError extends Error {
  override readonly name = 'ScramError';
}

/** `a=1,b=2` attributes of a SCRAM message, in order; a malformed one fails the exchange. */
function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const match = /^([A-Za-z])=(.*)$/s.exec(part);
    if (!match) throw new ScramError('malformed SCRAM message');
    map.set(match[1]!, match[2]!);
  }
  return map;
}

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677): `first` answers the
 * client-first-message with the server-first-message, `final` verifies the client's proof and
 * returns the server-final-message that proves the server knew the password too.
 */
export class ScramServerExchange {
  private clientFirstBare: string | undefined;
  private serverFirst: string | undefined;
  private nonce: string | undefined;
  private gs2Header: string | undefined;

  constructor(private readonly verifier: ScramVerifier) {}

  first(clientFirst: string): string {
    if (this.serverFirst !== undefined) throw new ScramError('unexpected client-first-message');
    // gs2-header: "n,," (no channel binding) or "y,," (client could bind, thinks we cannot).
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(clientFirst);
    if (!match) throw new ScramError('unsupported SCRAM channel binding');
    const bare = match[3]!;
    const attrs = attributes(bare);
    const clientNonce = attrs.get('r');
    // Postgres ignores the SCRAM user name (the startup message names the role); so do we.
    if (!attrs.has('n') || !clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) throw new ScramError('malformed client-first-message');
    this.gs2Header = `${match[1]},${match[2] ?? ''},`;
    this.clientFirstBare = bare;
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  final(clientFinal: string): string {
    if (this.serverFirst === undefined || this.clientFirstBare === undefined) throw new ScramError('unexpected client-final-message');
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('malformed client-final-message');
    const withoutProof = clientFinal.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs.get('c') !== Buffer.from(this.gs2Header!).toString('base64')) throw new ScramError('channel binding mismatch');
    if (attrs.get('r') !== this.nonce) throw new ScramError('nonce mismatch');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new ScramError('password authentication failed');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) throw new ScramError('password authentication failed');
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}
