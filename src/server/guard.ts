/**
 * Checks that need the operation and its variables, run by both transports
 * after validation and before execution: text without NUL or unpaired
 * surrogates, the cost estimate and the per-client mutation rate limit.
 * (Depth and aliases are validation rules.) Each is linear in the document.
 */
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { App } from '../app.js';
import type { Metrics } from '../observability/metrics.js';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { costError, mutationCount, operationCost } from '../graphql/limits.js';
import { RateLimiter } from './rate-limit.js';
import { badTextError } from './text-input.js';

export interface GuardedOperation {
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variables?: Record<string, unknown> | null | undefined;
  /** The user id when authenticated, else the remote address. */
  readonly client: string;
}

export type OperationGuard = (operation: GuardedOperation) => GraphQLError | undefined;

export function createGuard(schema: GraphQLSchema, app: App): OperationGuard {
  const { config, metrics } = app;
  const limiter = new RateLimiter(config.mutationRateLimit);
  return ({ document, operationName, variables, client }) => {
    const badText = badTextError(document, variables);
    if (badText) return badText;
    const cost = operationCost(schema, document, operationName, variables, config);
    if (cost > config.maxQueryCost) {
      metrics.rateLimited.inc({ limit: 'cost' });
      return costError(cost, config.maxQueryCost);
    }
    const taken = limiter.take(client, mutationCount(document, operationName));
    if (!taken.ok) {
      metrics.rateLimited.inc({ limit: 'mutations' });
      const cause = new DomainError(ErrorCode.RateLimited, `Too many mutations from this client: at most ${config.mutationRateLimit} a second. Retry after ${taken.retryAfterMs} ms`, {
        retryAfterMs: taken.retryAfterMs,
      });
      return new GraphQLError(cause.message, {
        originalError: cause,
        extensions: {
          code: cause.code,
          http: { status: 429, headers: new Map([['retry-after', String(Math.ceil(taken.retryAfterMs / 1000))]]) },
        },
      });
    }
    return undefined;
  };
}

/** The key limits are counted by: the signed-in user, else the address the connection comes from. */
export function clientKey(userId: string | undefined, address: string | undefined): string {
  return userId !== undefined ? `user:${userId}` : `address:${address ?? 'unknown'}`;
}

/** Counts refusals by the limits that are validation rules (depth, aliases); the guard counts its own. */
export function countRuleRefusals(metrics: Metrics, errors: ReadonlyArray<{ extensions?: Record<string, unknown> | undefined }>): void {
  for (const error of errors) {
    const limit = error.extensions?.limit;
    if (limit === 'depth' || limit === 'aliases') metrics.rateLimited.inc({ limit });
  }
}
