/**
 * Bearer authentication for HTTP: the verified principal, or a 401 answered
 * before any GraphQL work, with the reason in `extensions.reason` and no
 * detail from the verifier. Tokens are never logged.
 *
 * A verified token is remembered by its text (up to TOKEN_CACHE entries, for
 * at most RECHECK_MS), so a client that sends the same token on every request
 * pays for the signature check about once a minute instead of each time
 * (jose's HS256 check cost more than the rest of a `{ __typename }` request).
 * `exp` is still enforced on every request; a key removed from the JWKS stops
 * a token it signed within RECHECK_MS. Refusals are never remembered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app.js';
import { OPEN, type Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/verify.js';
import { DomainError } from '../domain/errors.js';
import { sendError } from './respond.js';

const TOKEN_CACHE = 10_000;
const RECHECK_MS = 60_000;

interface Verified {
  readonly principal: Principal;
  /** Epoch ms after which the token is checked again: its expiry (skew included) or RECHECK_MS after the check. */
  readonly until: number;
}

/** Resolves the caller, or answers the request (401/503) and resolves undefined. */
export type Authenticator = (req: IncomingMessage, res: ServerResponse, requestId: string) => Principal | undefined | Promise<Principal | undefined>;

export function authenticator(app: App, verify: TokenVerifier): Authenticator {
  // An open server has nothing to check: no promise and no extra tick per request.
  if (!app.config.auth) return () => OPEN;
  const verified = new Map<string, Verified>();
  const remembered = (authorization: string | undefined): Principal | undefined => {
    if (authorization === undefined) return undefined;
    const entry = verified.get(authorization);
    if (!entry) return undefined;
    // Past its expiry (which holds the allowed clock skew) the token is checked again, and refused.
    if (entry.until <= Date.now()) {
      verified.delete(authorization);
      return undefined;
    }
    return entry.principal;
  };
  const remember = (authorization: string, principal: Principal) => {
    if (principal.kind !== 'user') return;
    const recheck = Date.now() + RECHECK_MS;
    const until = principal.expiresAt ? Math.min(principal.expiresAt.getTime(), recheck) : recheck;
    if (verified.size >= TOKEN_CACHE) verified.delete(verified.keys().next().value!);
    verified.set(authorization, { principal, until });
  };
  return (req, res, requestId) => {
    const authorization = req.headers.authorization;
    const known = remembered(authorization);
    if (known) return known;
    return verify(authorization).then(
      (principal) => {
        remember(authorization!, principal);
        return principal;
      },
      (error: unknown) => {
        if (error instanceof DomainError) {
          const reason = String(error.details.reason ?? 'invalid');
          app.metrics.authFailures.inc({ reason });
          app.log.info({ requestId, reason }, 'authentication refused');
          sendError(res, 401, error.code, error.message, { reason }, { 'www-authenticate': reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"' });
          return undefined;
        }
        app.log.error({ requestId, err: error }, 'token verification failed (key server unreachable?)');
        sendError(res, 503, 'SERVICE_UNAVAILABLE', 'Authentication is unavailable; try again');
        return undefined;
      },
    );
  };
}
