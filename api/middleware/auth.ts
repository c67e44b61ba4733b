import type { NextFunction, Request, Response } from 'express';
import type { ApiKeyRole } from '../../core/access/api-key-role.ts';
import { hashApiKey, type ApiKeyRecord, type ApiKeyStore } from '../../stores/api-keys.ts';
import { ApiError } from '../api-error.ts';

/** Who is calling: the authenticated key, never anything the request body claims. */
export interface Principal {
  tenantId: string;
  keyId: string;
  /** The key's name, recorded with what the key approves. */
  keyName: string;
  role: ApiKeyRole;
  /** `role === 'admin'`. */
  isAdmin: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export interface AuthOptions {
  keys: ApiKeyStore;
  /**
   * How long a verified key is trusted without asking Postgres again. Revocation through this
   * process takes effect at once; through another API process, within this window.
   */
  cacheTtlMs?: number;
}

export interface Authenticator {
  authenticate(req: Request, res: Response, next: NextFunction): Promise<void>;
  /** Forget a key at once (called on revocation). */
  forget(keyId: string): void;
}

function presentedKey(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return req.get('x-api-key') ?? undefined;
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  const ttl = options.cacheTtlMs ?? 5_000;
  // Keyed by hash so plaintext keys are never held longer than one request.
  const cache = new Map<string, { key: ApiKeyRecord; expires: number }>();

  async function lookup(secret: string): Promise<ApiKeyRecord | undefined> {
    const hash = hashApiKey(secret);
    const hit = cache.get(hash);
    if (hit && hit.expires > Date.now()) return hit.key;
    const key = await options.keys.findActiveBySecret(secret);
    if (key) cache.set(hash, { key, expires: Date.now() + ttl });
    else cache.delete(hash);
    return key;
  }

  return {
    async authenticate(req, _res, next) {
      const secret = presentedKey(req);
      if (!secret) {
        throw new ApiError(401, 'authentication_error', 'missing_api_key', 'Send your API key as "Authorization: Bearer sk_soma_...".', undefined, {
          'www-authenticate': 'Bearer',
        });
      }
      const key = await lookup(secret);
      if (!key) {
        throw new ApiError(401, 'authentication_error', 'invalid_api_key', 'The API key is not valid or has been revoked.', undefined, {
          'www-authenticate': 'Bearer',
        });
      }
      req.principal = { tenantId: key.tenantId, keyId: key.id, keyName: key.name, role: key.role, isAdmin: key.role === 'admin' };
      next();
    },
    forget(keyId) {
      for (const [hash, entry] of cache) if (entry.key.id === keyId) cache.delete(hash);
    },
  };
}

/** The principal of an authenticated request; routes behind the authenticator use this. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new ApiError(401, 'authentication_error', 'missing_api_key', 'Authentication required.');
  return req.principal;
}

export function requireAdmin(req: Request, _res: Response, next: NextFunction): void {
  if (!principalOf(req).isAdmin) {
    throw new ApiError(403, 'permission_error', 'admin_required', 'This endpoint needs an admin API key.');
  }
  next();
}
