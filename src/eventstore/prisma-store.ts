/**
 * The event store on Prisma, one implementation for SQLite and PostgreSQL:
 * appends go through a group-commit queue to the append paths (appends.ts),
 * reads are plain queries (log-reads.ts), and projections are replayed here.
 */
import { Appender } from './appends.js';
import { appendEncoded } from './encoded-append.js';
import { alongColumn, alongOf } from './read-along.js';
import type { WriteItem, WriteResult } from './batch.js';
import { GroupCommit } from './group-commit.js';
import { LogReads } from './log-reads.js';
import { readStreamPages, type StreamPageRequest } from './stream-pages.js';
import { UnknownOutcomeError } from './outcome.js';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { saveCheckpoint } from './write-statements.js';
import { OnlineRebuilds, type RebuildResult } from './online-rebuild.js';
import type { PrismaClient as SqliteClient } from '../generated/prisma-sqlite/client.js';
import { EVENT_COLUMNS, adapterExecutor, inTransaction, toBigInt, toStoredEvent, type Dialect, type EventRow } from './sql.js';
import type {
  AppendRequest,
  AppendResult,
  CommandRecord,
  EventCodec,
  EventSchemas,
  EventStore,
  InlineProjection,
  MultiStreamAppendRequest,
  MultiStreamAppendResult,
  ReadLogOptions,
  ReadStreamOptions,
  Snapshot,
  SnapshotKind,
  SqlExecutor,
  StoredEvent,
} from './types.js';

/**
 * Prisma Client for the read models. The SQLite and PostgreSQL clients are
 * generated from schemas with the same models, so one type serves both.
 */
export type ReadClient = SqliteClient;

export interface PrismaEventStoreOptions {
  dialect: Dialect;
  /**
   * The driver adapter append transactions run on (on SQLite its own
   * connection, so no reader ever sees a write transaction still open).
   */
  writer: SqlDriverAdapter;
  /** The driver adapter event reads run on (the log, streams, snapshots). */
  reader: SqlDriverAdapter;
  /** Prisma Client on the same database, for the read models' typed queries. */
  client: ReadClient;
  projections?: readonly InlineProjection[];
  /** Most requests one transaction carries. */
  maxBatch?: number;
  /** PostgreSQL: channel to NOTIFY (with the new head) in every append transaction that moved the head. */
  notifyChannel?: string;
  /** Released after the store closes (e.g. a PostgreSQL pool). */
  onClose?: () => Promise<void>;
  clock?: () => Date;
  /** The event types' schemas: appends are checked and stamped, reads upcast. Without it, data is stored and read as given. */
  schemas?: EventSchemas;
}

export class PrismaEventStore implements EventStore {
  readonly dialect: Dialect;
  readonly reader: SqlExecutor;
  /** Prisma Client (typed model API) for read-model queries; counted in stats.reads. */
  readonly client: ReadClient;
  private readonly writes: GroupCommit<WriteItem, WriteResult>;
  private readonly reads: LogReads;
  private readonly projections: readonly InlineProjection[];
  private readonly listeners = new Set<(head: bigint) => void>();
  private readonly clock: () => Date;
  private readonly schemas: EventSchemas | undefined;
  /** Online rebuilds of the read models (online-rebuild.ts). */
  private readonly rebuilds: OnlineRebuilds;
  /** Seals what is written and opens what is read (personal data); none: stored as given. */
  private codec: EventCodec | undefined;

  /**
   * Counters for operators and tests: statements run on the reader, events
   * read by stream reads (what snapshots save), transactions committed, and
   * of those how many went as one statement (PostgreSQL), and how many
   * one-statement tries found the log moved.
   */
  readonly stats = { reads: 0, eventsRead: 0, commits: 0, oneStatement: 0, mispredicted: 0 };

  constructor(private readonly options: PrismaEventStoreOptions) {
    this.dialect = options.dialect;
    const reader = adapterExecutor(options.dialect, options.reader);
    // Every read-model query counts as a read, like the statements on the event reader.
    this.client = options.client.$extends({
      query: {
        $allOperations: ({ args, query }) => {
          this.stats.reads++;
          return query(args);
        },
      },
    }) as unknown as ReadClient;
    this.reader = {
      dialect: reader.dialect,
      execute: (sql, params) => {
        this.stats.reads++;
        return reader.execute(sql, params);
      },
      query: (sql, params) => {
        this.stats.reads++;
        return reader.query(sql, params);
      },
    };
    this.schemas = options.schemas;
    this.reads = new LogReads(this.reader, this.stats, this.schemas);
    this.projections = options.projections ?? [];
    this.clock = options.clock ?? (() => new Date());
    const appender = new Appender({
      dialect: options.dialect,
      adapter: options.writer,
      projections: this.projections,
      notifyChannel: options.notifyChannel,
      clock: this.clock,
      stats: this.stats,
      onCommitted: (head) => {
        for (const listener of this.listeners) listener(head);
      },
    });
    // A batch whose commit may have happened must not be sent again item by item.
    this.writes = new GroupCommit((items) => appender.writeBatch(items), options.maxBatch ?? 500, (error) => !(error instanceof UnknownOutcomeError));
    this.rebuilds = new OnlineRebuilds({
      dialect: options.dialect,
      writer: options.writer,
      reader: adapterExecutor(options.dialect, options.reader),
      projections: this.projections,
      schemas: this.schemas,
      clock: this.clock,
      // SQLite has one writer connection: a rebuild's transactions take turns with append batches.
      // PostgreSQL's run on connections of their own, beside the appends.
      exclusive: options.dialect === 'sqlite' ? (job) => this.writes.exclusive(job) : (job) => job(),
    });
  }

  /** Checked against the event types first (catalog.check): an event refused there fails its whole append, and nothing is written. */
  async append(request: AppendRequest): Promise<AppendResult> {
    const { streamId, streamType, expectedVersion, events, command } = request;
    const result = await this.appendToStreams({ streams: [{ streamId, streamType, expectedVersion, events }], command });
    switch (result.status) {
      case 'appended':
        return { status: 'appended', events: result.streams[0]!.events, version: result.streams[0]!.version };
      case 'conflict':
        return { status: 'conflict', actualVersion: result.actualVersion };
      case 'duplicate':
        return result;
    }
  }

  /**
   * Several streams in one transaction of the group commit, like any append
   * (both PostgreSQL paths included): every stream is checked before any is
   * written, and the events take consecutive positions in the order given.
   */
  async appendToStreams(request: MultiStreamAppendRequest): Promise<MultiStreamAppendResult> {
    if (request.streams.length === 0) throw new Error('An append names at least one stream');
    if (new Set(request.streams.map((part) => part.streamId)).size !== request.streams.length) throw new Error('A stream appears twice in one append');
    const schemas = this.schemas;
    const stamped: MultiStreamAppendRequest = schemas
      ? {
          ...request,
          streams: request.streams.map((part) => ({
            ...part,
            events: part.events.map((event) => {
              schemas.check(part.streamType, event.type, event.data, event.schemaVersion);
              return { ...event, schemaVersion: event.schemaVersion ?? schemas.versionOf(event.type) };
            }),
          })),
        }
      : request;
    const codec = this.codec;
    if (!codec) return (await this.writes.submit({ kind: 'append', request: stamped })) as MultiStreamAppendResult;
    return appendEncoded(codec, (item) => this.writes.submit(item), stamped);
  }

  /**
   * Every write from now on goes through `codec`, and every read comes back
   * through it. Set once, before the store serves (the app does it at start).
   */
  useCodec(codec: EventCodec): void {
    if (this.codec) throw new Error('The store already has a codec');
    this.codec = codec;
    this.reads.along = alongColumn(codec.readAlong);
  }

  /** Pages of several streams' events in one query (see stream-pages.ts). */
  async readStreamPages(requests: readonly StreamPageRequest[]): Promise<StoredEvent[][]> {
    const pages = await readStreamPages(this.reader, requests, this.schemas, this.reads.along);
    if (!this.codec) return pages;
    const { events } = await this.codec.decode(pages.flat(), [], alongOf(pages));
    let at = 0;
    return pages.map((page) => events.slice(at, (at += page.length)));
  }

  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    await this.writes.submit({ kind: 'snapshot', snapshot: this.codec ? await this.codec.encodeSnapshot(snapshot) : snapshot });
  }

  private async decodeEvents(read: Promise<StoredEvent[]>): Promise<StoredEvent[]> {
    const events = await read;
    return this.codec && events.length > 0 ? (await this.codec.decode(events, [], alongOf(events))).events : events;
  }

  private async decodeSnapshot(read: Promise<Snapshot | null>): Promise<Snapshot | null> {
    const snapshot = await read;
    return this.codec && snapshot ? (await this.codec.decode([], [snapshot], alongOf(snapshot))).snapshots[0]! : snapshot;
  }

  onCommit(listener: (head: bigint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.decodeEvents(this.reads.readStream(streamId, options));
  }

  async readStreams(after: ReadonlyMap<string, number>): Promise<Map<string, StoredEvent[]>> {
    const streams = await this.reads.readStreams(after);
    if (!this.codec) return streams;
    const { events } = await this.codec.decode([...streams.values()].flat(), [], alongOf(streams));
    let at = 0;
    return new Map([...streams].map(([id, page]) => [id, events.slice(at, (at += page.length))]));
  }

  streamVersion(streamId: string, at?: Date): Promise<number> {
    return this.reads.streamVersion(streamId, at);
  }

  readLog(options: ReadLogOptions): Promise<StoredEvent[]> {
    return this.decodeEvents(this.reads.readLog(options));
  }

  headPosition(): Promise<bigint> {
    return this.reads.headPosition();
  }

  findCommand(commandId: string, actor: string): Promise<CommandRecord | null> {
    return this.reads.findCommand(commandId, actor);
  }

  readSnapshot(streamId: string, maxVersion: number, kind: SnapshotKind): Promise<Snapshot | null> {
    return this.decodeSnapshot(this.reads.readSnapshot(streamId, maxVersion, kind));
  }

  async readStreamAt(streamId: string, toVersion: number, kind: SnapshotKind | null): Promise<{ snapshot: Snapshot | null; events: StoredEvent[] }> {
    const read = await this.reads.readStreamAt(streamId, toVersion, kind);
    if (!this.codec) return read;
    const { events, snapshots } = await this.codec.decode(read.events, read.snapshot ? [read.snapshot] : [], alongOf(read) ?? alongOf(read.events));
    return { snapshot: snapshots[0] ?? null, events };
  }

  async readSnapshots(streamIds: readonly string[], kind: SnapshotKind): Promise<Map<string, Snapshot>> {
    const found = await this.reads.readSnapshots(streamIds, kind);
    if (!this.codec || found.size === 0) return found;
    const { snapshots } = await this.codec.decode([], [...found.values()], alongOf(found));
    return new Map(snapshots.map((snapshot) => [snapshot.streamId, snapshot]));
  }

  projectionCheckpoint(name: string): Promise<bigint> {
    return this.reads.projectionCheckpoint(name);
  }

  /**
   * Rebuilds a read model online: into shadow tables while the live ones keep
   * serving and appends go on, switched in one transaction when caught up
   * (see online-rebuild.ts). Joins a build of it already running here.
   */
  rebuildProjection(name: string): Promise<RebuildResult> {
    return this.rebuilds.rebuild(name);
  }

  /** Gives read models new on an empty log checkpoint 0 (appends only move checkpoints that exist). Run at open. */
  initCheckpoints(): Promise<void> {
    return this.rebuilds.initCheckpoints();
  }

  /** Builds, online and in the background, every read model that has no checkpoint (new in this release). */
  buildMissingProjections(onError: (name: string, error: unknown) => void): Promise<void> {
    return this.rebuilds.buildMissing(onError);
  }

  async catchUpProjection(name: string, from?: bigint): Promise<{ events: number; position: bigint }> {
    return this.replayProjection(name, from ?? (await this.projectionCheckpoint(name)));
  }

  /** Feeds the log after `from` through one projection (it skips what it has applied), in one transaction with no append in flight. */
  private replayProjection(name: string, from: bigint): Promise<{ events: number; position: bigint }> {
    const projection = this.projections.find((candidate) => candidate.name === name);
    if (!projection) return Promise.reject(new Error(`Unknown projection ${name}`));
    return this.writes.exclusive(() =>
      inTransaction(this.dialect, this.options.writer, async (sql) => {
        let after = from;
        let count = 0;
        for (;;) {
          const rows = await sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE "position" > ? ORDER BY "position" LIMIT 1000`, [after]);
          if (rows.length === 0) break;
          const events = rows.map((row) => toStoredEvent(row, this.schemas));
          await projection.apply(sql, events);
          after = events[events.length - 1]!.position;
          count += events.length;
        }
        const [head] = await sql.query<{ position: unknown }>('SELECT "position" FROM log_head WHERE id = 1');
        const position = head ? toBigInt(head.position) : after;
        await saveCheckpoint(sql, name, position, this.clock());
        return { events: count, position };
      }),
    );
  }

  async close(): Promise<void> {
    await this.rebuilds.close();
    await this.writes.close();
    await this.options.writer.dispose();
    await this.options.reader.dispose();
    await this.options.client.$disconnect();
    await this.options.onClose?.();
  }
}
