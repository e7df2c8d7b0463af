/** The executable schema: schema.graphql (the source of truth) plus each module's SDL and resolvers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { AggregateModule } from '../module.js';
import { eventResolvers } from './event-resolvers.js';
import { streamResolvers } from './stream-resolvers.js';
import { subscriptionResolvers } from './subscription-resolvers.js';
import type { Resolvers } from './generated/resolvers-types.js';
import { DateTimeScalar, DecimalScalar, JSONScalar } from './scalars.js';

export const SCHEMA_PATH = join(PROJECT_ROOT, 'schema.graphql');

const coreResolvers: Resolvers[] = [{ DateTime: DateTimeScalar, Decimal: DecimalScalar, JSON: JSONScalar }, eventResolvers, streamResolvers, subscriptionResolvers];

export function buildSchema(modules: readonly AggregateModule[]): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: [readFileSync(SCHEMA_PATH, 'utf8'), ...modules.flatMap((module) => (module.typeDefs ? [module.typeDefs] : []))],
    resolvers: [...coreResolvers, ...modules.map((module) => module.resolvers)] as never,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
