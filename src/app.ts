/**
 * The application without its transport: the event store, the aggregate
 * repositories and the command handler, built from a Config. Servers,
 * scripts and tests build as many as they need.
 */
import { accountDecider, type AccountCommand, type AccountState } from './accounts/decider.js';
import type { AccountEvent } from './accounts/events.js';
import { accountSummariesProjection, accountsProjection } from './accounts/projections.js';
import { CommandHandler } from './commands/handler.js';
import { AggregateRepository } from './commands/repository.js';
import type { Config } from './config.js';
import { openEventStore } from './eventstore/open.js';
import type { PrismaEventStore } from './eventstore/prisma-store.js';
import type { InlineProjection, SqlExecutor } from './eventstore/types.js';
import { userDecider, type UserCommand, type UserState } from './users/decider.js';
import type { UserEvent } from './users/events.js';

export interface App {
  readonly config: Config;
  readonly store: PrismaEventStore;
  readonly accounts: AggregateRepository<AccountState, AccountCommand, AccountEvent>;
  readonly users: AggregateRepository<UserState, UserCommand, UserEvent>;
  readonly commands: CommandHandler;
  close(): Promise<void>;
}

/** Every read model kept inline with the log. */
export const projections: readonly InlineProjection[] = [accountsProjection, accountSummariesProjection];

export async function createApp(
  config: Config,
  options: { afterAppend?: (sql: SqlExecutor, head: bigint) => Promise<void> } = {},
): Promise<App> {
  const store = await openEventStore({
    databaseUrl: config.databaseUrl,
    projections,
    poolSize: config.poolSize,
    maxBatch: config.appendBatchMax,
    sqliteSynchronous: config.sqliteSynchronous,
    ...(options.afterAppend ? { afterAppend: options.afterAppend } : {}),
  });
  return assembleApp(config, store);
}

/** An app over an open store (its own caches and command queue; closing it closes the store). */
export function assembleApp(config: Config, store: PrismaEventStore): App {
  const repositoryOptions = { snapshotEvery: config.snapshotEvery };
  return {
    config,
    store,
    accounts: new AggregateRepository(store, accountDecider, repositoryOptions),
    users: new AggregateRepository(store, userDecider, repositoryOptions),
    commands: new CommandHandler(),
    close: () => store.close(),
  };
}
