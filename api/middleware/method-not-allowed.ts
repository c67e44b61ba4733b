import type { Express, NextFunction, Request, Response } from 'express';
import { ApiError } from '../api-error.ts';

/** The parts of Express 5's router (the `router` package) this reads; it has no public types. */
interface RouterLayer {
  match(path: string): false | { path: string };
  route?: { methods: Record<string, boolean | undefined> };
  handle?: { stack?: RouterLayer[] };
}

/** The methods the app's own routes declare for `path`, read from the router: one source of truth. */
function allowedMethods(stack: RouterLayer[], path: string, into: Set<string>): void {
  for (const layer of stack) {
    let matched: false | { path: string };
    try {
      matched = layer.match(path);
    } catch {
      // A parameter that does not decode; the URL guard answers such paths before this runs.
      continue;
    }
    if (!matched) continue;
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') into.add(method.toUpperCase());
      }
    } else if (layer.handle?.stack) {
      // A mounted router: its routes see the path without the mount point.
      allowedMethods(layer.handle.stack, path.slice(matched.path.length) || '/', into);
    }
  }
}

/**
 * Mounted last before the 404: a path the app serves, asked with a method it does not declare
 * (TRACE, PATCH, GET on a POST-only route), is a 405 naming the methods in `Allow`; only a path
 * no route knows is a 404.
 */
export function methodNotAllowed(app: Express) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const router = (app as unknown as { router?: { stack: RouterLayer[] } }).router;
    const methods = new Set<string>();
    if (router) allowedMethods(router.stack, req.path, methods);
    if (methods.size === 0) {
      next();
      return;
    }
    // Express answers HEAD wherever it answers GET.
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods].sort().join(', ');
    throw new ApiError(405, 'invalid_request_error', 'method_not_allowed', `${req.method} is not allowed on ${req.path}; allowed: ${allow}.`, undefined, { Allow: allow });
  };
}
