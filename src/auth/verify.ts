/**
 * Bearer tokens: JWTs signed with a shared secret (HS256) or with keys
 * published at a JWKS URL (RS256/ES256). `sub` is the user id; `roles`
 * containing "admin" grants everything. A token must carry `exp` unless
 * AUTH_REQUIRE_EXP=false (one without would never expire, nor would its
 * WebSocket); `exp` and `nbf` are checked with AUTH_CLOCK_TOLERANCE_SECONDS
 * of clock skew.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { AuthConfig } from '../config.js';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { OPEN, type Principal } from './principal.js';
import { isBadText } from '../server/text-input.js';

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

const MAX_TOKEN = 8 * 1024;

export const unauthenticated = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.Unauthenticated, message, details);

/** Without configuration everyone is `open`; with it, a missing or bad token is UNAUTHENTICATED. */
export function createVerifier(config: AuthConfig | undefined): TokenVerifier {
  if (!config) return async () => OPEN;
  const options: JWTVerifyOptions = {
    algorithms: config.jwtSecret !== undefined ? ['HS256'] : ['RS256', 'ES256'],
    ...(config.issuer !== undefined ? { issuer: config.issuer } : {}),
    ...(config.audience !== undefined ? { audience: config.audience } : {}),
    requiredClaims: config.requireExp ? ['sub', 'exp'] : ['sub'],
    clockTolerance: config.clockToleranceSeconds,
  };
  const key = config.jwtSecret !== undefined ? new TextEncoder().encode(config.jwtSecret) : createRemoteJWKSet(config.jwksUrl!);
  return async (authorization) => {
    if (authorization === undefined || authorization === '') throw unauthenticated('Authentication required: send Authorization: Bearer <token>', { reason: 'missing' });
    const match = /^Bearer ([\w.~+/=-]+)$/i.exec(authorization.trim());
    if (!match || match[1]!.length > MAX_TOKEN) throw unauthenticated('Authorization must be "Bearer <token>"', { reason: 'malformed' });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, key as Parameters<typeof jwtVerify>[1], options));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired', { reason: 'expired' });
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp' && error.reason === 'missing') {
        throw unauthenticated('Token has no expiry (exp claim)', { reason: 'invalid' });
      }
      if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) throw unauthenticated('Invalid token', { reason: 'invalid' });
      // The key server could not be reached: not the client's fault, and not to be described to it.
      throw error;
    }
    const userId = payload.sub;
    // The sub is stored (commands' actor, events' metadata): text PostgreSQL can hold, like every other input.
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > 200 || isBadText(userId)) throw unauthenticated('Invalid token', { reason: 'invalid' });
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    return {
      kind: 'user',
      userId,
      admin: roles.includes('admin'),
      // When the server stops accepting the token: its exp plus the allowed skew.
      expiresAt: typeof payload.exp === 'number' ? new Date((payload.exp + config.clockToleranceSeconds) * 1000) : undefined,
    };
  };
}
