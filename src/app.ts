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
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
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
  readonly log: Logger;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Defaults to JSON lines on stdout at LOG_LEVEL. */
  readonly log?: Logger;
}

/** Every read model kept inline with the log. */
export const projections: readonly InlineProjection[] = [accountsProjection, accountSummariesProjection];

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
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
  const app = await assembleApp(config, store, options);
  if (!postgres) return app;
  const listener = listenForCommits(config.databaseUrl, () => app.tailer.wake(), (error) => app.log.error({ err: error }, 'commit listener failed; reconnecting'));
  return {
    ...app,
    close: async () => {
      await listener.close();
      await app.close();
    },
  };
}

/** An app over an open store (its own caches, command queue and tailer; closing it closes the store). */
export async function assembleApp(config: Config, store: PrismaEventStore, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const repositoryOptions = { snapshotEvery: config.snapshotEvery };
  const tailer = new LogTailer(store, { pollMs: config.subscriptionPollMs, onError: (error) => log.error({ err: error }, 'log tailer read failed') });
  await tailer.start();
  const unsubscribe = store.onCommit(() => tailer.wake());
  const metrics = new Metrics({
    head: () => store.headPosition(),
    tailerPosition: () => tailer.position,
    activeSubscriptions: () => tailer.listenerCount,
    projectionCheckpoints: () => Promise.all(projections.map(async ({ name }) => ({ name, position: await store.projectionCheckpoint(name) }))),
  });
  const commands = new CommandHandler(undefined, {
    finished: (command, outcome) => metrics.commands.inc({ command, outcome }),
    conflict: (command) => metrics.conflicts.inc({ command }),
    retried: (command) => metrics.retries.inc({ command }),
    appended: (streamType, events, seconds) => {
      metrics.eventsAppended.inc({ stream_type: streamType }, events);
      metrics.appendSeconds.observe(seconds);
    },
  });
  return {
    config,
    store,
    accounts: new AggregateRepository(store, accountDecider, repositoryOptions),
    users: new AggregateRepository(store, userDecider, repositoryOptions),
    commands,
    tailer,
    log,
    metrics,
    close: async () => {
      unsubscribe();
      tailer.stop();
      await store.close();
    },
  };
}
