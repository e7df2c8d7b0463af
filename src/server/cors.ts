/**
 * Which browser origins may use the API. The server's own origin always
 * may (the IDE and explorer are served from it); others only when listed in
 * CORS_ORIGINS. Requests without an Origin header come from non-browser
 * clients and are not a CORS matter. "Own origin" compares with `Host`,
 * which hosts.ts has checked first (DNS rebinding).
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

const ALLOWED_HEADERS = 'content-type, authorization, x-request-id, apollo-require-preflight';

export function originAllowed(origin: string | undefined, request: IncomingMessage, allowList: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowList.includes('*') || allowList.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host?.toLowerCase();
  } catch {
    return false;
  }
}

/** CORS headers for listed origins; preflights from other origins answer 403. */
export function cors(allowList: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    const allowed = origin !== undefined && originAllowed(origin, req, allowList);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'x-request-id, retry-after');
    }
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    if (!allowed) {
      res.status(403).json({ errors: [{ message: 'Origin not allowed', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
