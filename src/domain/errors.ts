/**
 * Failures a client may see carry a stable code, as `extensions.code` in
 * GraphQL errors; anything that is not a DomainError is masked at the edge.
 * These are the codes every part of the server shares; an aggregate module
 * declares its own (`errorCodes` on the module, e.g. INSUFFICIENT_FUNDS).
 */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  ConcurrencyConflict: 'CONCURRENCY_CONFLICT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  LimitExceeded: 'LIMIT_EXCEEDED',
  /** The person was forgotten: they can no longer act, and nothing personal can be written for them. */
  Forgotten: 'FORGOTTEN',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A refusal with a stable code: shared codes above, or one an aggregate module declares (SCREAMING_SNAKE_CASE). */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.BadUserInput, message, details);
export const notFound = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.NotFound, message, details);
export const alreadyExists = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.AlreadyExists, message, details);

export const forgotten = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.Forgotten, message, details);

export class ConcurrencyConflict extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      ErrorCode.ConcurrencyConflict,
      `Stream ${streamId} is at version ${actualVersion}, not the expected ${expectedVersion}`,
      { expectedVersion, actualVersion },
    );
  }
}
