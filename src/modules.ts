/**
 * The aggregates this server serves. Adding one is a folder that exports an
 * AggregateModule, a line here, its part of schema.graphql and its
 * migrations (docs/adding-an-aggregate.md).
 */
import { accountsModule } from './accounts/index.js';
import type { AggregateModule } from './module.js';
import { usersModule } from './users/index.js';

export const modules: readonly AggregateModule[] = [usersModule, accountsModule];
