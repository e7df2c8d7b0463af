/** The executable schema: schema.graphql (the source of truth) plus the feature slices' resolvers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { accountResolvers } from '../accounts/resolvers.js';
import { userResolvers } from '../users/resolvers.js';
import { eventResolvers } from './event-resolvers.js';
import { subscriptionResolvers } from '../subscriptions/resolvers.js';
import type { Resolvers } from './generated/resolvers-types.js';
import { DateTimeScalar, DecimalScalar, JSONScalar } from './scalars.js';

export const SCHEMA_PATH = join(PROJECT_ROOT, 'schema.graphql');

const sliceResolvers: Resolvers[] = [
  { DateTime: DateTimeScalar, Decimal: DecimalScalar, JSON: JSONScalar },
  eventResolvers,
  accountResolvers,
  userResolvers,
  subscriptionResolvers,
];

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: readFileSync(SCHEMA_PATH, 'utf8'),
    resolvers: sliceResolvers as never,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
