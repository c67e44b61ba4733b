import type { NextFunction, Request, Response } from 'express';
import { newId } from '../../platform/ids.ts';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
  }
}

/** Every response carries x-request-id; a caller's own id is kept when it is safe to echo. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.get('x-request-id');
  req.requestId = incoming && SAFE_ID.test(incoming) ? incoming : newId('req', 10);
  res.setHeader('x-request-id', req.requestId);
  next();
}
