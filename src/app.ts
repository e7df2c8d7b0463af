/**
 * The application without its transport: the event store, a repository per
 * aggregate, the command handler and the log tailer, built from a Config and
 * a list of aggregate modules. It knows no aggregate: everything specific
 * comes in through the modules. Servers, scripts and tests build as many as
 * they need.
 */
import { CommandHandler } from './commands/handler.js';
import { AggregateRepository } from './commands/repository.js';
import type { Config } from './config.js';
import type { Decider, DomainEvent } from './domain/decider.js';
import { EventCatalog } from './domain/event-types.js';
import { openEventStore } from './eventstore/open.js';
import type { PrismaEventStore, ReadClient } from './eventstore/prisma-store.js';
import type { InlineProjection } from './eventstore/types.js';
import { checkModules, type AggregateModule } from './module.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { instrumentApp } from './observability/instrument.js';
import { NO_TRACER, type Tracer } from './observability/tracing.js';
import { openPrivacy, type Privacy } from './privacy/index.js';
import { forgetProjection } from './privacy/forget-projection.js';
import { LogTailer } from './subscriptions/log-tailer.js';
import { CHANNEL, listenForCommits } from './subscriptions/pg-notify.js';

export interface App {
  readonly config: Config;
  readonly store: PrismaEventStore;
  /** The aggregate modules this app serves. */
  readonly modules: readonly AggregateModule[];
  /** Every event type of those modules: schemas, versions, upcasters. */
  readonly catalog: EventCatalog;
  /** Every read model of those modules, kept inline with the log. */
  readonly projections: readonly InlineProjection[];
  /** Prisma Client for read-model queries (typed model API). */
  readonly readModels: ReadClient;
  readonly commands: CommandHandler;
  /** The repository of an aggregate (one per stream type, with its cache of recent states). */
  repository<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>): AggregateRepository<State, Command, Event>;
  /** The process's one reader of the log for subscriptions. */
  readonly tailer: LogTailer;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** OpenTelemetry tracing (NO_TRACER unless the OTEL_* variables turn it on). */
  readonly tracer: Tracer;
  /** Personal data: the master key, people's data keys, the codec the store reads and writes through. */
  readonly privacy: Privacy;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Defaults to JSON lines on stdout at LOG_LEVEL. */
  readonly log?: Logger;
  /** Spans for commands, appends and reads when enabled (observability/instrument.ts). Default: NO_TRACER. */
  readonly tracer?: Tracer;
}

/** The modules' read models, and the one that destroys a person's data key in the transaction that forgets them. */
export const projectionsOf = (modules: readonly AggregateModule[]): InlineProjection[] => {
  const catalog = catalogOf(modules);
  return [...modules.flatMap((module) => module.projections), forgetProjection((type) => catalog.forgetsOf(type))];
};
/**
 * A module whose events or snapshots hold personal data but that records no forget itself holds other
 * streams' people's data (a loan's note by its borrower). A forget lands on the person's own stream, not on
 * this one, so a cached state here would keep what the forget erased: its states are not cached (each load
 * reads the stream, and the read checks for forgets). Modules like users, whose forgets land on the stream
 * that holds the data, keep their cache: the forget event itself changes the cached state.
 */
export const holdsOthersPersonalData = (module: AggregateModule): boolean =>
  (module.personalSnapshot !== undefined || module.events.some((event) => event.personal)) && !module.events.some((event) => event.forgets);
/** Every event type of the modules: the store checks appends against it and upcasts what it reads. */
export const catalogOf = (modules: readonly AggregateModule[]): EventCatalog => new EventCatalog(modules.flatMap((module) => module.events));
/**
 * What a store opened for these modules needs: their read models and their
 * event catalog. Every program that opens a store to write or rebuild read
 * models (the server, the CLIs) takes both from here, so none replays old
 * events without upcasting them.
 */
export const storeOptionsOf = (modules: readonly AggregateModule[]) => ({ projections: projectionsOf(modules), schemas: catalogOf(modules) });

export async function createApp(config: Config, modules: readonly AggregateModule[], options: AppOptions = {}): Promise<App> {
  checkModules(modules);
  const postgres = !config.databaseUrl.startsWith('file:');
  const store = await openEventStore({
    databaseUrl: config.databaseUrl,
    ...storeOptionsOf(modules),
    poolSize: config.poolSize,
    maxBatch: config.appendBatchMax,
    sqliteSynchronous: config.sqliteSynchronous,
    // Other processes learn of commits through NOTIFY, sent only if the append commits.
    ...(postgres ? { notifyChannel: CHANNEL } : {}),
  });
  const app = await assembleApp(config, store, modules, options);
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
export async function assembleApp(config: Config, store: PrismaEventStore, modules: readonly AggregateModule[], options: AppOptions = {}): Promise<App> {
  checkModules(modules);
  const log = options.log ?? createLogger(config.logLevel);
  const tracer = options.tracer ?? NO_TRACER;
  const projections = projectionsOf(modules);
  const catalog = catalogOf(modules);
  const personalSnapshots = new Map(modules.flatMap((module) => (module.personalSnapshot ? [[module.decider.streamType, module.personalSnapshot] as const] : [])));
  let privacy: Privacy;
  try {
    // A log:import not finished: its people's keys may not be there yet (a write would make new ones the resumed import keeps).
    const [unfinished] = await store.reader.query<{ export_id: string }>('SELECT export_id FROM log_imports WHERE completed_at IS NULL');
    if (unfinished) throw new Error(`The database is being filled by a log:import (export ${unfinished.export_id}) that has not finished: run the same npm run log:import again to complete it, then start the server`);
    privacy = await openPrivacy(config, store, catalog, personalSnapshots, log);
  } catch (error) {
    await store.close();
    throw error;
  }
  const tailer = new LogTailer(store, { pollMs: config.subscriptionPollMs, onError: (error) => log.error({ err: error }, 'log tailer read failed') });
  await tailer.start();
  const unsubscribe = store.onCommit(() => tailer.wake());
  const metrics = new Metrics({
    head: () => store.headPosition(),
    tailerPosition: () => tailer.position,
    activeSubscriptions: () => tailer.listenerCount,
    projectionCheckpoints: () => Promise.all(projections.map(async ({ name }) => ({ name, position: await store.projectionCheckpoint(name) }))),
    unreadablePersonalValues: () => privacy.codec.unreadable,
  });
  const commands = new CommandHandler(undefined, {
    finished: (command, outcome) => metrics.commands.inc({ command, outcome }),
    conflict: (command) => {
      metrics.conflicts.inc({ command });
      tracer.event('ledger.conflict');
    },
    retried: (command) => {
      metrics.retries.inc({ command });
      tracer.event('ledger.retry');
    },
    appended: (streamType, events, seconds) => {
      metrics.eventsAppended.inc({ stream_type: streamType }, events);
      metrics.appendSeconds.observe(seconds);
    },
  });
  const repositories = new Map<string, AggregateRepository<any, any, any>>();
  const uncached = new Set(modules.filter(holdsOthersPersonalData).map((module) => module.decider.streamType));
  const repository = <State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>): AggregateRepository<State, Command, Event> => {
    let found = repositories.get(decider.streamType);
    if (!found) {
      found = new AggregateRepository(store, decider, { snapshotEvery: config.snapshotEvery, ...(uncached.has(decider.streamType) ? { cacheSize: 0 } : {}) });
      repositories.set(decider.streamType, found);
    } else if (found.decider !== decider) {
      throw new Error(`Two deciders for stream type ${decider.streamType}`);
    }
    return found as AggregateRepository<State, Command, Event>;
  };
  for (const module of modules) repository(module.decider);
  // A read model new in this release builds itself online, in the background, instead of holding up the start.
  void store.buildMissingProjections((name, error) => log.error({ err: error, projection: name }, 'read model build failed; trying again'));
  return instrumentApp({
    config,
    store,
    modules,
    catalog,
    projections,
    readModels: store.client,
    commands,
    repository,
    tailer,
    log,
    metrics,
    tracer,
    privacy,
    close: async () => {
      unsubscribe();
      await tailer.stop();
      await store.close();
      await privacy.close();
    },
  }, tracer);
}
