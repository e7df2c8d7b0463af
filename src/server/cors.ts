/**
 * Which browser origins may use the API. The server's own origin always
 * may (the IDE and explorer are served from it); others only when listed in
 * CORS_ORIGINS. Requests without an Origin header come from non-browser
 * clients and are not a CORS matter. "Own origin" compares with `Host`,
 * which hosts.ts has checked first (DNS rebinding).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from './respond.js';

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

/**
 * CORS headers for listed origins; answers preflights itself (204, or 403
 * from other origins) and then returns true. Other requests go on.
 */
export function cors(allowList: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    const allowed = origin !== undefined && originAllowed(origin, req, allowList);
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-request-id, retry-after');
    }
    if (req.method !== 'OPTIONS') return false;
    if (!allowed) {
      sendError(res, 403, 'FORBIDDEN', 'Origin not allowed');
      return true;
    }
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  };
}
