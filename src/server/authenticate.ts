/**
 * Bearer authentication for HTTP: the verified principal goes to
 * `res.locals.principal`; a missing or bad token answers 401 before any
 * GraphQL work, with the reason in `extensions.reason` and no detail from
 * the verifier. Tokens are never logged.
 */
import type { RequestHandler, Response } from 'express';
import type { App } from '../app.js';
import { OPEN, type Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/verify.js';
import { DomainError } from '../domain/errors.js';

export function authenticate(app: App, verify: TokenVerifier): RequestHandler {
  // An open server has nothing to check: no promise and no extra tick per request.
  if (!app.config.auth) {
    return (_req, res, next) => {
      res.locals.principal = OPEN;
      next();
    };
  }
  return (req, res, next) => {
    verify(req.headers.authorization).then(
      (principal) => {
        res.locals.principal = principal;
        next();
      },
      (error: unknown) => {
        if (error instanceof DomainError) {
          const reason = String(error.details.reason ?? 'invalid');
          app.metrics.authFailures.inc({ reason });
          app.log.info({ requestId: res.locals.requestId, reason }, 'authentication refused');
          res.setHeader('www-authenticate', reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"');
          res.status(401).json({ errors: [{ message: error.message, extensions: { code: error.code, reason } }] });
          return;
        }
        app.log.error({ requestId: res.locals.requestId, err: error }, 'token verification failed (key server unreachable?)');
        res.status(503).json({ errors: [{ message: 'Authentication is unavailable; try again', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      },
    );
  };
}

export function principalOf(res: Response): Principal {
  return (res.locals.principal as Principal | undefined) ?? OPEN;
}
