/**
 * Every failure a client may see has one of these stable codes. They travel
 * as `extensions.code` in GraphQL errors; anything that is not a DomainError
 * is masked at the edge.
 */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  ConcurrencyConflict: 'CONCURRENCY_CONFLICT',
  InsufficientFunds: 'INSUFFICIENT_FUNDS',
  AccountClosed: 'ACCOUNT_CLOSED',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  LimitExceeded: 'LIMIT_EXCEEDED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
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
