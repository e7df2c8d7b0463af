/**
 * The event store on Prisma, one implementation for SQLite and PostgreSQL.
 *
 * Writes go through a group-commit queue: every batch is one transaction, run
 * on the driver adapter, that
 *   1. locks the single `log_head` row (UPDATE ... RETURNING) — on PostgreSQL
 *      a row lock every writer in every process queues on, on SQLite the
 *      database write lock taken up front;
 *   2. checks expected versions and command ids for the whole batch;
 *   3. writes the events (positions head+1, head+2, ...), the command ids,
 *      the read models, the checkpoints and the new head — on PostgreSQL as
 *      one statement of data-modifying CTEs that also sends NOTIFY.
 *
 * On PostgreSQL that is five round trips (BEGIN, lock, probe, writes,
 * COMMIT), so a batch is first tried as ONE statement in autocommit mode
 * (`writePredicted`): decided on where this store's last commit left the log,
 * with `ledger_claim_head` (a migration) taking the same head lock first and
 * checking under it that the head and every stream of the batch are where
 * they were predicted to be. A wrong prediction fails the statement, which
 * then wrote nothing, and the batch takes the locked path above.
 *
 * Ordering mechanism — "serialised appends through the log head": positions
 * are handed out only while holding the head lock, and the lock is released
 * only by commit, so a transaction that took position P has committed before
 * any other can take P+1. A reader that has seen P can therefore never later
 * find a newly committed event below P: the sequence-gap trap of sequences
 * (a lower number committing later) cannot happen. Group commit makes the
 * serialisation cheap: one lock round per batch, not per command.
 */
import { GroupCommit } from './group-commit.js';
import { batchCommitted, outcomeUnknown, UnknownOutcomeError } from './outcome.js';
import { commandKey, decide, nextTimestamp, type Decided, type StreamState, type WriteItem, type WriteResult } from './batch.js';
import { mergeStreams, ROLLED_BACK, serverErrorCode, type Prediction } from './prediction.js';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { COMMAND_COLUMNS, toCommandRecord, toSnapshot, type CommandRow, type SnapshotRow } from './rows.js';
import {
  checkpointUpsert,
  claimedStatement,
  commandInserts,
  eventInserts,
  runTogether,
  saveCheckpoint,
  snapshotInserts,
  type Statement,
} from './write-statements.js';
import type { PrismaClient as SqliteClient } from '../generated/prisma-sqlite/client.js';
import {
  EVENT_COLUMNS,
  adapterExecutor,
  inTransaction,
  placeholders,
  toBigInt,
  toDate,
  toNumber,
  toStoredEvent,
  type Dialect,
  type EventRow,
} from './sql.js';
import type {
  AppendRequest,
  AppendResult,
  CommandRecord,
  EventStore,
  InlineProjection,
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
}


/** Streams probed per version query. */
const PROBE_CHUNK = 100;

export class PrismaEventStore implements EventStore {
  readonly dialect: Dialect;
  readonly reader: SqlExecutor;
  /** Prisma Client (typed model API) for read-model queries; counted in stats.reads. */
  readonly client: ReadClient;
  private readonly writes: GroupCommit<WriteItem, WriteResult>;
  private readonly projections: readonly InlineProjection[];
  private readonly listeners = new Set<(head: bigint) => void>();
  private readonly clock: () => Date;
  /** Statements outside any transaction on the writer (PostgreSQL: autocommit on the pool). */
  private readonly writer: SqlExecutor;
  /** PostgreSQL: where this store's last commit left the log, for the one-statement path. */
  private prediction: Prediction | undefined;
  /** Wrong predictions in a row, and batches still to send on the locked path because of them. */
  private predictionMisses = 0;
  private skipPredicted = 0;
  /** False once the database turned out to lack ledger_claim_head. */
  private predictable = true;

  /**
   * Counters for operators and tests: statements run on the reader, events
   * read by stream reads (what snapshots save), transactions committed, and
   * of those how many went as one statement (PostgreSQL), and how many
   * one-statement tries found the log moved.
   */
  readonly stats = { reads: 0, eventsRead: 0, commits: 0, oneStatement: 0, mispredicted: 0 };

  constructor(private readonly options: PrismaEventStoreOptions) {
    this.dialect = options.dialect;
    this.writer = adapterExecutor(options.dialect, options.writer);
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
    this.projections = options.projections ?? [];
    this.clock = options.clock ?? (() => new Date());
    this.writes = new GroupCommit((items) => this.writeBatch(items), options.maxBatch ?? 500, (error) => !(error instanceof UnknownOutcomeError));
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    return (await this.writes.submit({ kind: 'append', request })) as AppendResult;
  }

  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    await this.writes.submit({ kind: 'snapshot', snapshot });
  }

  onCommit(listener: (head: bigint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const params: unknown[] = [streamId, options.afterVersion ?? 0];
    let sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version > ?`;
    if (options.toVersion !== undefined) {
      sql += ' AND version <= ?';
      params.push(options.toVersion);
    }
    const rows = await this.reader.query<EventRow>(`${sql} ORDER BY version`, params);
    this.stats.eventsRead += rows.length;
    return rows.map(toStoredEvent);
  }

  async readStreams(after: ReadonlyMap<string, number>): Promise<Map<string, StoredEvent[]>> {
    const result = new Map<string, StoredEvent[]>();
    if (after.size === 0) return result;
    const conditions: string[] = [];
    const params: unknown[] = [];
    for (const [streamId, version] of after) {
      conditions.push('(stream_id = ? AND version > ?)');
      params.push(streamId, version);
      result.set(streamId, []);
    }
    const rows = await this.reader.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ${conditions.join(' OR ')} ORDER BY stream_id, version`,
      params,
    );
    this.stats.eventsRead += rows.length;
    for (const row of rows) result.get(row.stream_id)?.push(toStoredEvent(row));
    return result;
  }

  async streamVersion(streamId: string, at?: Date): Promise<number> {
    const rows =
      at === undefined
        ? await this.reader.query<{ version: unknown }>('SELECT MAX(version) AS version FROM events WHERE stream_id = ?', [streamId])
        : await this.reader.query<{ version: unknown }>('SELECT MAX(version) AS version FROM events WHERE stream_id = ? AND "timestamp" <= ?', [streamId, at]);
    const version = rows[0]?.version;
    return version === null || version === undefined ? 0 : toNumber(version);
  }

  async readLog(options: ReadLogOptions): Promise<StoredEvent[]> {
    const conditions = ['"position" > ?'];
    const params: unknown[] = [options.afterPosition ?? 0n];
    if (options.upToPosition !== undefined) {
      conditions.push('"position" <= ?');
      params.push(options.upToPosition);
    }
    if (options.streamId !== undefined) {
      conditions.push('stream_id = ?');
      params.push(options.streamId);
    }
    if (options.streamType !== undefined) {
      conditions.push('stream_type = ?');
      params.push(options.streamType);
    }
    if (options.types !== undefined) {
      if (options.types.length === 0) return [];
      conditions.push(`type IN (${placeholders(options.types.length)})`);
      params.push(...options.types);
    }
    if (options.since !== undefined) {
      conditions.push('"timestamp" >= ?');
      params.push(options.since);
    }
    if (options.until !== undefined) {
      conditions.push('"timestamp" <= ?');
      params.push(options.until);
    }
    params.push(options.limit);
    const rows = await this.reader.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ${conditions.join(' AND ')} ORDER BY "position"${options.newestFirst ? ' DESC' : ''} LIMIT ?`,
      params,
    );
    return rows.map(toStoredEvent);
  }

  async headPosition(): Promise<bigint> {
    const rows = await this.reader.query<{ position: unknown }>('SELECT "position" FROM log_head WHERE id = 1');
    return rows[0] ? toBigInt(rows[0].position) : 0n;
  }

  async findCommand(commandId: string, actor: string): Promise<CommandRecord | null> {
    const rows = await this.reader.query<CommandRow>(`SELECT ${COMMAND_COLUMNS} FROM processed_commands WHERE actor = ? AND command_id = ?`, [actor, commandId]);
    return rows[0] ? toCommandRecord(rows[0]) : null;
  }

  // Snapshots are read only by the decider that wrote them: the same stream type and revision.

  async readSnapshot(streamId: string, maxVersion: number, kind: SnapshotKind): Promise<Snapshot | null> {
    const rows = await this.reader.query<SnapshotRow>(
      'SELECT stream_id, stream_type, version, revision, state FROM snapshots WHERE stream_id = ? AND stream_type = ? AND revision = ? AND version <= ? ORDER BY version DESC LIMIT 1',
      [streamId, kind.streamType, kind.revision, maxVersion],
    );
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  async readStreamAt(streamId: string, toVersion: number, kind: SnapshotKind | null): Promise<{ snapshot: Snapshot | null; events: StoredEvent[] }> {
    if (kind === null) return { snapshot: null, events: await this.readStream(streamId, { toVersion }) };
    const { streamType, revision } = kind;
    // The snapshot row first (kind 0, its state in `data`), then the events after it.
    const rows = await this.reader.query<EventRow & { kind: unknown }>(
      `WITH s AS (SELECT version, stream_type, state FROM snapshots WHERE stream_id = ? AND stream_type = ? AND revision = ? AND version <= ? ORDER BY version DESC LIMIT 1)
       SELECT 0 AS kind, NULL AS "position", NULL AS id, CAST(? AS TEXT) AS stream_id, s.stream_type, s.version, NULL AS type, s.state AS data, NULL AS metadata, NULL AS "timestamp" FROM s
       UNION ALL
       SELECT 1 AS kind, ${EVENT_COLUMNS} FROM events
        WHERE stream_id = ? AND version > COALESCE((SELECT version FROM s), 0) AND version <= ?
       ORDER BY kind, version`,
      [streamId, streamType, revision, toVersion, streamId, streamId, toVersion],
    );
    const first = rows[0];
    const snapshot =
      first && toNumber(first.kind) === 0
        ? toSnapshot({ stream_id: streamId, stream_type: first.stream_type, version: first.version, revision, state: first.data })
        : null;
    const events = (snapshot ? rows.slice(1) : rows).map(toStoredEvent);
    this.stats.eventsRead += events.length;
    return { snapshot, events };
  }

  async readSnapshots(streamIds: readonly string[], kind: SnapshotKind): Promise<Map<string, Snapshot>> {
    const result = new Map<string, Snapshot>();
    if (streamIds.length === 0) return result;
    const rows = await this.reader.query<SnapshotRow>(
      `SELECT s.stream_id, s.stream_type, s.version, s.revision, s.state FROM snapshots s
       WHERE s.stream_id IN (${placeholders(streamIds.length)}) AND s.stream_type = ? AND s.revision = ?
         AND s.version = (SELECT MAX(version) FROM snapshots m WHERE m.stream_id = s.stream_id AND m.stream_type = s.stream_type AND m.revision = s.revision)`,
      [...streamIds, kind.streamType, kind.revision],
    );
    for (const row of rows) result.set(row.stream_id, toSnapshot(row));
    return result;
  }

  async projectionCheckpoint(name: string): Promise<bigint> {
    const rows = await this.reader.query<{ position: unknown }>('SELECT "position" FROM projection_checkpoints WHERE name = ?', [name]);
    return rows[0] ? toBigInt(rows[0].position) : 0n;
  }

  rebuildProjection(name: string): Promise<{ events: number; position: bigint }> {
    return this.replayProjection(name, 0n, true);
  }

  async catchUpProjection(name: string, from?: bigint): Promise<{ events: number; position: bigint }> {
    return this.replayProjection(name, from ?? (await this.projectionCheckpoint(name)), false);
  }

  /** Feeds the log after `from` through one projection, in one transaction with no append in flight. */
  private replayProjection(name: string, from: bigint, clear: boolean): Promise<{ events: number; position: bigint }> {
    const projection = this.projections.find((candidate) => candidate.name === name);
    if (!projection) return Promise.reject(new Error(`Unknown projection ${name}`));
    return this.writes.exclusive(() =>
      inTransaction(this.dialect, this.options.writer, async (sql) => {
        if (clear) for (const table of projection.tables) await sql.execute(`DELETE FROM ${table}`);
        let after = from;
        let count = 0;
        for (;;) {
          const rows = await sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE "position" > ? ORDER BY "position" LIMIT 1000`, [after]);
          if (rows.length === 0) break;
          const events = rows.map(toStoredEvent);
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
    await this.writes.close();
    await this.options.writer.dispose();
    await this.options.reader.dispose();
    await this.options.client.$disconnect();
    await this.options.onClose?.();
  }

  /**
   * One transaction for a whole batch of appends and snapshot writes. On
   * PostgreSQL it is first tried as one statement on a prediction of where
   * the log is (`writePredicted`); when there is nothing to predict from, or
   * the prediction was wrong, the batch takes the locked path.
   */
  private async writeBatch(items: WriteItem[]): Promise<WriteResult[]> {
    const sent: { batch?: Decided | undefined } = {};
    try {
      if (this.dialect === 'postgresql' && this.predictable) {
        if (this.skipPredicted > 0) this.skipPredicted--;
        else {
          const results = await this.writePredicted(items, sent);
          if (results) return results;
        }
      }
      return await this.writeLocked(items, sent);
    } catch (error) {
      return this.settle(error, sent.batch);
    }
  }

  /**
   * After a failed batch: its results if it committed after all (the
   * connection broke after the commit was sent, see outcome.ts), else the
   * error, and group commit retries its items.
   */
  private async settle(error: unknown, batch: Decided | undefined): Promise<WriteResult[]> {
    // Without events a retry is harmless: a recorded command id answers as a duplicate, snapshots are upserts.
    const first = batch?.events[0];
    if (!batch || !first || !outcomeUnknown(this.dialect, error)) throw error;
    if (!(await batchCommitted(this.dialect, this.options.writer, first.id, error))) throw error;
    this.committed(batch, undefined);
    return batch.results;
  }

  /**
   * The locked path: BEGIN, the head lock, the stream (and command id)
   * probes, the writes (one statement on PostgreSQL), COMMIT.
   */
  private async writeLocked(items: WriteItem[], sent: { batch?: Decided | undefined }): Promise<WriteResult[]> {
    const before = this.prediction;
    this.prediction = undefined;
    sent.batch = undefined;
    const { batch, prediction } = await inTransaction(this.dialect, this.options.writer, async (sql) => {
      // 1. The head lock: every writer of every process queues here.
      const [headRow] = await sql.query<{ position: unknown; last_timestamp: unknown }>(
        'UPDATE log_head SET "position" = "position" WHERE id = 1 RETURNING "position", last_timestamp',
      );
      if (!headRow) throw new Error('The log head row is missing: the database was not migrated');
      const startHead = toBigInt(headRow.position);
      const lastTimestamp = toDate(headRow.last_timestamp);
      const timestamp = nextTimestamp(this.clock(), lastTimestamp);

      const appends = items.flatMap((item) => (item.kind === 'append' ? [item.request] : []));
      const streams = await this.currentStreams(sql, appends);
      const known = await this.knownCommands(sql, appends);
      const batch = decide(items, startHead, timestamp, streams, known);
      sent.batch = batch;

      // Read models that need a read go first; the others travel with everything else in one go.
      const projected: Statement[] = [];
      if (batch.events.length > 0) {
        for (const projection of this.projections) {
          if (projection.appendStatements) projected.push(...projection.appendStatements(this.dialect, batch.events));
          else await projection.apply(sql, batch.events);
        }
      }
      const writes = [...projected, ...this.batchWrites(items, batch, timestamp)];
      if (batch.events.length > 0) writes.push({ sql: 'UPDATE log_head SET "position" = ?, last_timestamp = ? WHERE id = 1', params: [batch.head, timestamp] });
      await runTogether(sql, writes, this.notice(batch));
      // Where the log is after this commit: the streams probed under the lock are exact, and so are
      // those known before if nobody committed in between (the head is where this store left it).
      const streamsAfter = before && before.head === startHead ? mergeStreams(before.streams, streams) : streams;
      const prediction: Prediction = { head: batch.head, lastTimestamp: batch.events.length > 0 ? timestamp : lastTimestamp, streams: streamsAfter };
      return { batch, prediction };
    });
    this.committed(batch, prediction);
    return batch.results;
  }

  /**
   * The one-statement path (PostgreSQL): one round trip instead of five. The
   * batch is decided on the log as this store last left it (the head, its
   * timestamp, the versions of the streams it has seen; a stream it has not
   * seen is taken to be at the expected version the request gives) and sent
   * as one statement in autocommit mode. Its first step, `ledger_claim_head`
   * (a migration), takes the head lock and checks under it that the head and
   * every stream of the batch are where they were predicted to be, then
   * moves the head; the inserts, read models, checkpoints and NOTIFY follow
   * in the same statement, so in the same transaction. If anything differs,
   * the function raises, the statement writes nothing, and undefined is
   * returned: the batch then takes the locked path, which decides it afresh.
   */
  private async writePredicted(items: WriteItem[], sent: { batch?: Decided | undefined }): Promise<WriteResult[] | undefined> {
    const predicted = this.prediction;
    if (!predicted) return undefined;
    // Read models that need a read inside the transaction cannot travel in one statement.
    if (this.projections.some((projection) => !projection.appendStatements)) return undefined;
    const streams = new Map<string, StreamState>();
    const checks = new Map<string, StreamState>();
    for (const item of items) {
      if (item.kind !== 'append' || checks.has(item.request.streamId)) continue;
      const { streamId, streamType, expectedVersion } = item.request;
      const known = predicted.streams.get(streamId);
      if (known) {
        streams.set(streamId, { ...known });
        checks.set(streamId, known);
      } else if (expectedVersion === 'any') {
        return undefined; // Nothing to predict from: the locked path probes it.
      } else {
        const version = expectedVersion === 'no_stream' ? 0 : expectedVersion;
        if (version > 0) streams.set(streamId, { version, type: streamType });
        checks.set(streamId, { version, type: streamType });
      }
    }
    const timestamp = nextTimestamp(this.clock(), predicted.lastTimestamp);
    // Command ids are not predicted: one already recorded fails the statement on the primary key.
    const batch = decide(items, predicted.head, timestamp, streams, new Map());
    const moved = batch.events.length > 0;
    const projected = moved ? this.projections.flatMap((projection) => projection.appendStatements!(this.dialect, batch.events)) : [];
    const predictedStreams = [...checks];
    const claim: Statement = {
      sql: 'SELECT ledger_claim_head(?, ?, ?, ?, ?, ?) AS "position"',
      params: [
        predicted.head,
        batch.head,
        moved ? timestamp : null,
        predictedStreams.map(([id]) => id),
        predictedStreams.map(([, stream]) => stream.version),
        predictedStreams.map(([, stream]) => stream.type),
      ],
    };
    const statement = claimedStatement(claim, [...projected, ...this.batchWrites(items, batch, timestamp)], this.notice(batch));
    if (!statement) return undefined;
    this.prediction = undefined;
    sent.batch = batch;
    try {
      await this.writer.execute(statement.sql, statement.params);
    } catch (error) {
      const code = serverErrorCode(error);
      if (code === '42883') {
        // ledger_claim_head is missing (a database not migrated since): the locked path from now on.
        this.predictable = false;
        return undefined;
      }
      if (code === undefined || !ROLLED_BACK.has(code)) throw error;
      this.stats.mispredicted++;
      // Another writer moved the log, or a command id was already recorded: nothing was written.
      // Back off for a while (1, 3, 7, ... batches) when this keeps happening.
      this.predictionMisses = Math.min(this.predictionMisses + 1, 6);
      this.skipPredicted = 2 ** this.predictionMisses - 1;
      return undefined;
    }
    this.predictionMisses = 0;
    this.stats.oneStatement++;
    this.committed(batch, { head: batch.head, lastTimestamp: moved ? timestamp : predicted.lastTimestamp, streams: mergeStreams(predicted.streams, streams) });
    return batch.results;
  }

  /** The batch's inserts and checkpoints (the head update and read models are added by each path). */
  private batchWrites(items: readonly WriteItem[], batch: Decided, timestamp: Date): Statement[] {
    const snapshots = items.flatMap((item) => (item.kind === 'snapshot' ? [item.snapshot] : []));
    const writes = [...eventInserts(batch.events), ...commandInserts(batch.commands, timestamp), ...snapshotInserts(snapshots, timestamp)];
    if (batch.events.length > 0 && this.projections.length > 0) {
      writes.push(checkpointUpsert(this.projections.map((projection) => projection.name), batch.head, timestamp));
    }
    return writes;
  }

  private notice(batch: Decided): { channel: string; head: bigint } | undefined {
    return batch.events.length > 0 && this.options.notifyChannel ? { channel: this.options.notifyChannel, head: batch.head } : undefined;
  }

  /** After a commit: remembers where the log now is (PostgreSQL; unknown after a lost connection), counts the commit, wakes listeners. */
  private committed(batch: Decided, prediction: Prediction | undefined): void {
    if (this.dialect === 'postgresql') this.prediction = prediction;
    this.stats.commits++;
    if (batch.events.length > 0) for (const listener of this.listeners) listener(batch.head);
  }

  private async currentStreams(sql: SqlExecutor, appends: readonly AppendRequest[]) {
    const streams = new Map<string, { version: number; type: string }>();
    const ids = [...new Set(appends.map((request) => request.streamId))];
    for (let start = 0; start < ids.length; start += PROBE_CHUNK) {
      const chunk = ids.slice(start, start + PROBE_CHUNK);
      // One index probe per stream (newest version first), in both dialects.
      const probes = chunk.map(
        (_, i) => `SELECT * FROM (SELECT stream_id, version, stream_type FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1) AS s${i}`,
      );
      const rows = await sql.query<{ stream_id: string; version: unknown; stream_type: string }>(probes.join(' UNION ALL '), chunk);
      for (const row of rows) streams.set(row.stream_id, { version: toNumber(row.version), type: row.stream_type });
    }
    return streams;
  }

  /** The batch's commands already recorded, keyed by `commandKey` (one primary-key probe each). */
  private async knownCommands(sql: SqlExecutor, appends: readonly AppendRequest[]) {
    const known = new Map<string, CommandRecord>();
    const commands = new Map(appends.flatMap((request) => (request.command ? [[commandKey(request.command.actor, request.command.id), request.command] as const] : [])));
    const keys = [...commands.values()];
    for (let start = 0; start < keys.length; start += PROBE_CHUNK) {
      const chunk = keys.slice(start, start + PROBE_CHUNK);
      const rows = await sql.query<CommandRow>(
        `SELECT ${COMMAND_COLUMNS} FROM processed_commands WHERE ${chunk.map(() => '(actor = ? AND command_id = ?)').join(' OR ')}`,
        chunk.flatMap((command) => [command.actor, command.id]),
      );
      for (const row of rows) known.set(commandKey(row.actor, row.command_id), toCommandRecord(row));
    }
    return known;
  }
}
