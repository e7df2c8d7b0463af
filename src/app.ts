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
import type { InlineProjection } from './eventstore/types.js';
import { LogTailer } from './subscriptions/log-tailer.js';
import { CHANNEL, listenForCommits } from './subscriptions/pg-notify.js';
import { userDecider, type UserCommand, type UserState } from './users/decider.js';
import type { UserEvent } from './users/events.js';

export interface App {
  readonly config: Config;
  readonly store: PrismaEventStore;
  readonly accounts: AggregateRepository<AccountState, AccountCommand, AccountEvent>;
  readonly users: AggregateRepository<UserState, UserCommand, UserEvent>;
  readonly commands: CommandHandler;
  /** The process's one reader of the log for subscriptions. */
  readonly tailer: LogTailer;
  close(): Promise<void>;
}

/** Every read model kept inline with the log. */
export const projections: readonly InlineProjection[] = [accountsProjection, accountSummariesProjection];

export async function createApp(config: Config): Promise<App> {
  const postgres = !config.databaseUrl.startsWith('file:');
  const store = await openEventStore({
    databaseUrl: config.databaseUrl,
    projections,
    poolSize: config.poolSize,
    maxBatch: config.appendBatchMax,
    sqliteSynchronous: config.sqliteSynchronous,
    // Other processes learn of commits through NOTIFY, sent only if the append commits.
    ...(postgres ? { notifyChannel: CHANNEL } : {}),
  });
  const app = await assembleApp(config, store);
  if (!postgres) return app;
  const listener = listenForCommits(config.databaseUrl, () => app.tailer.wake(), logError);
  return {
    ...app,
    close: async () => {
      await listener.close();
      await app.close();
    },
  };
}

const logError = (error: unknown) => console.error(JSON.stringify({ level: 'error', msg: 'log listener', error: String(error) }));

/** An app over an open store (its own caches, command queue and tailer; closing it closes the store). */
export async function assembleApp(config: Config, store: PrismaEventStore): Promise<App> {
  const repositoryOptions = { snapshotEvery: config.snapshotEvery };
  const tailer = new LogTailer(store, { pollMs: config.subscriptionPollMs, onError: logError });
  await tailer.start();
  const unsubscribe = store.onCommit(() => tailer.wake());
  return {
    config,
    store,
    accounts: new AggregateRepository(store, accountDecider, repositoryOptions),
    users: new AggregateRepository(store, userDecider, repositoryOptions),
    commands: new CommandHandler(),
    tailer,
    close: async () => {
      unsubscribe();
      tailer.stop();
      await store.close();
    },
  };
}
