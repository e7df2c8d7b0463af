/**
 * Checks that need the operation and its variables, run by both transports
 * after validation and before execution: text without NUL or unpaired
 * surrogates, the cost estimate and the per-client mutation rate limit.
 * (Depth and aliases are validation rules.) Each is linear in the document.
 *
 * What depends on the document alone is worked out once per document and
 * operation name (Apollo hands the same parsed document for the same query
 * text, from its document cache) and kept beside it in a WeakMap: the
 * document's strings, the mutation count, and which variables the cost can
 * read (a `first: $n`). The cost is then kept per value of those variables, so a
 * request pays for a walk of its variables and a map lookup, not of the
 * document.
 */
import { GraphQLError, Kind, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { App } from '../app.js';
import type { Metrics } from '../observability/metrics.js';
import { DomainError, ErrorCode } from '../domain/errors.js';
import { costError, mutationCount, operationCost } from '../graphql/limits.js';
import { RateLimiter } from './rate-limit.js';
import { documentTextError, variablesTextError } from './text-input.js';

export interface GuardedOperation {
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variables?: Record<string, unknown> | null | undefined;
  /** The user id when authenticated, else the remote address. */
  readonly client: string;
}

export type OperationGuard = (operation: GuardedOperation) => GraphQLError | undefined;

/** Costs kept per operation (one per distinct value of the variables the cost reads). */
const COSTS_PER_OPERATION = 64;

/** Made only for documents whose strings passed the text check. */
interface Plan {
  readonly mutations: number;
  /** The variables the cost can depend on (see pageVariables). */
  readonly costReads: readonly string[];
  readonly costs: Map<string, number>;
}

/**
 * The variables the cost can depend on: those given as `first` or `last`
 * anywhere in the document (operations and fragments). Found from the
 * document, not by watching one request, so a later request that sends a
 * variable the first one left out (its default applied) is priced afresh.
 */
function pageVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
    },
  });
  return [...names];
}

/** The values the cost depends on, as a key: a number as itself, left out (the default applies) and anything else apart. */
function costKey(reads: readonly string[], variables: Record<string, unknown> | null | undefined): string {
  let key = '';
  for (const name of reads) {
    const value = variables?.[name];
    key += typeof value === 'number' ? `${value},` : value === undefined ? 'u,' : '-,';
  }
  return key;
}

export function createGuard(schema: GraphQLSchema, app: App): OperationGuard {
  const { config, metrics } = app;
  const limiter = new RateLimiter(config.mutationRateLimit);
  const plans = new WeakMap<DocumentNode, Map<string, Plan>>();

  const costOf = (operation: GuardedOperation, known: Plan | undefined): { cost: number; plan: Plan } => {
    let plan = known;
    if (!plan) {
      plan = { mutations: mutationCount(operation.document, operation.operationName), costReads: pageVariables(operation.document), costs: new Map() };
      let byName = plans.get(operation.document);
      if (!byName) plans.set(operation.document, (byName = new Map()));
      byName.set(operation.operationName ?? '', plan);
    }
    const key = costKey(plan.costReads, operation.variables);
    const kept = plan.costs.get(key);
    if (kept !== undefined) return { cost: kept, plan };
    const cost = operationCost(schema, operation.document, operation.operationName, operation.variables, config);
    if (plan.costs.size < COSTS_PER_OPERATION) plan.costs.set(key, cost);
    return { cost, plan };
  };

  return (operation) => {
    const known = plans.get(operation.document)?.get(operation.operationName ?? '');
    const textError = known ? undefined : documentTextError(operation.document);
    if (textError) return textError;
    const badVariable = variablesTextError(operation.variables);
    if (badVariable) return badVariable;
    const { cost, plan } = costOf(operation, known);
    if (cost > config.maxQueryCost) {
      metrics.rateLimited.inc({ limit: 'cost' });
      return costError(cost, config.maxQueryCost);
    }
    const taken = limiter.take(operation.client, plan.mutations);
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
