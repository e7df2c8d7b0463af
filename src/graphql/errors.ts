/**
 * The one place errors are turned into what clients see, for HTTP and
 * WebSocket alike. Domain errors keep their code, message and details;
 * errors about the request itself (parse, validation, bad variables) keep
 * their message; anything else is masked: no stack trace, SQL, driver or
 * Prisma text ever leaves the server.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/errors.js';
import { StoreClosedError } from '../eventstore/group-commit.js';

/** Codes whose messages describe the request, not the server's insides. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'PERSISTED_QUERY_VERSION_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

/** Where the detail of a masked error goes (the server log). */
export type ErrorLogger = (error: unknown) => void;

/**
 * The error behind GraphQL's wrappers. Duck-typed rather than `instanceof
 * GraphQLError`: a second copy of graphql-js (ESM beside CommonJS) makes
 * instanceof lie.
 */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    const inner = isGraphQLError(current) ? current.originalError : undefined;
    if (!inner || inner === current) break;
    current = inner;
  }
  return current;
}

function isGraphQLError(value: unknown): value is { originalError?: unknown; extensions?: Record<string, unknown> } {
  return value instanceof GraphQLError || (value instanceof Error && value.name === 'GraphQLError');
}

function location(formatted: GraphQLFormattedError) {
  return {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
}

/** What a client sees for an error, and the cause when it was unexpected (to be logged, never shown). */
function classify(formatted: GraphQLFormattedError, error: unknown): { formatted: GraphQLFormattedError; unexpected?: { cause: unknown } } {
  const cause = rootCause(error);
  if (cause instanceof DomainError) {
    return { formatted: { message: cause.message, ...location(formatted), extensions: { ...cause.details, code: cause.code } } };
  }
  if (cause instanceof StoreClosedError) {
    return { formatted: { message: 'The server is shutting down; try again', ...location(formatted), extensions: { code: 'SERVICE_UNAVAILABLE' } } };
  }
  const extensions = formatted.extensions ?? {};
  // Limits are validation rules; they answer BAD_USER_INPUT like every other bad request value.
  if (typeof extensions.limit === 'string') {
    return { formatted: { message: formatted.message, ...location(formatted), extensions: { code: 'BAD_USER_INPUT', limit: extensions.limit } } };
  }
  // A value the scalars refused keeps its BAD_USER_INPUT even when graphql-js reports it as a validation failure.
  const causeCode = isGraphQLError(cause) && typeof cause.extensions?.code === 'string' ? cause.extensions.code : undefined;
  const invalidValue = extensions.invalidValue === true || causeCode === 'BAD_USER_INPUT';
  const code = invalidValue ? 'BAD_USER_INPUT' : typeof extensions.code === 'string' ? extensions.code : undefined;
  // A GraphQLError without an originalError was raised by graphql-js itself about the request.
  const aboutRequest = code !== undefined ? REQUEST_CODES.has(code) : isGraphQLError(cause);
  if (aboutRequest) {
    return { formatted: { message: formatted.message, ...location(formatted), extensions: { code: code ?? 'GRAPHQL_VALIDATION_FAILED' } } };
  }
  return { formatted: { message: 'Internal server error', ...location(formatted), extensions: { code: 'INTERNAL_SERVER_ERROR' } }, unexpected: { cause } };
}

/** What the client sees; an unexpected error's cause goes to `logUnexpected` when given. */
export function formatError(formatted: GraphQLFormattedError, error: unknown, logUnexpected?: ErrorLogger): GraphQLFormattedError {
  const result = classify(formatted, error);
  if (result.unexpected) logUnexpected?.(result.unexpected.cause);
  return result.formatted;
}

/** The cause of an error the client will only see as "Internal server error", if it is one. */
export function unexpectedError(error: GraphQLError): { cause: unknown } | undefined {
  return classify(error.toJSON(), error).unexpected;
}

/** For transports that hand over GraphQLError objects (graphql-ws). */
export function formatGraphQLError(error: GraphQLError, logUnexpected: ErrorLogger): GraphQLFormattedError {
  return formatError(error.toJSON(), error, logUnexpected);
}
