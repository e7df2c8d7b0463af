/**
 * The append paths of the event store (batches handed over by group commit).
 * Every batch is one transaction, run on the driver adapter, that
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
 * then wrote nothing, and the batch takes the locked path above. A batch
 * whose outcome a lost connection hid is settled by its event ids (outcome.ts).
 *
 * Ordering mechanism — "serialised appends through the log head": positions
 * are handed out only while holding the head lock, and the lock is released
 * only by commit, so a transaction that took position P has committed before
 * any other can take P+1. A reader that has seen P can therefore never later
 * find a newly committed event below P: the sequence-gap trap of sequences
 * (a lower number committing later) cannot happen. Group commit makes the
 * serialisation cheap: one lock round per batch, not per command.
 */
import { batchCommitted, outcomeUnknown } from './outcome.js';
import { decide, nextTimestamp, type Decided, type StreamState, type WriteItem, type WriteResult } from './batch.js';
import { mergeStreams, ROLLED_BACK, serverErrorCode, type Prediction } from './prediction.js';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { probeCommands, probeStreams } from './append-probes.js';
import { batchWrites, noticeOf, planOneStatement, type OneStatement, type PlanContext } from './one-statement.js';
import { runTogether, type Statement } from './write-statements.js';
import { adapterExecutor, inTransaction, toBigInt, toDate, type Dialect } from './sql.js';
import type { InlineProjection, SqlExecutor } from './types.js';

/** writePredicted's answer when another writer had moved the head. */
const HEAD_MOVED = Symbol('head moved');
/** Thrown inside writeLockedFirst's transaction (rolling it back) when the batch cannot be one statement. */
const NOT_PLANNED = new Error('not plannable as one statement');


export interface AppenderOptions {
  dialect: Dialect;
  /** The driver adapter append transactions run on. */
  adapter: SqlDriverAdapter;
  projections: readonly InlineProjection[];
  /** PostgreSQL: channel to NOTIFY (with the new head) in every append transaction that moved the head. */
  notifyChannel?: string | undefined;
  clock: () => Date;
  /** The store's counters this updates: commits, one-statement commits, wrong predictions. */
  stats: { commits: number; oneStatement: number; mispredicted: number };
  /** After each commit that moved the head. */
  onCommitted(head: bigint): void;
}

export class Appender {
  private readonly dialect: Dialect;
  private readonly projections: readonly InlineProjection[];
  private readonly clock: () => Date;
  private readonly stats: AppenderOptions['stats'];
  /** Statements outside any transaction on the writer (PostgreSQL: autocommit on the pool). */
  private readonly writer: SqlExecutor;
  /** PostgreSQL: where this store's last commit left the log, for the one-statement path. */
  private prediction: Prediction | undefined;
  /** Wrong predictions in a row, and batches still to send on the locked path because of them. */
  private predictionMisses = 0;
  private skipPredicted = 0;
  /** False once the database turned out to lack ledger_claim_head. */
  private predictable = true;
  /** Batches still to send with the head lock taken first, because another process keeps moving the head. */
  private lockFirst = 0;
  /** Versions of the streams this store wrote or probed last (checked under the head lock before use). */
  private streamsSeen = new Map<string, StreamState>();
  /** What the one-statement plans need of this appender. */
  private readonly plan: PlanContext;

  constructor(private readonly options: AppenderOptions) {
    this.dialect = options.dialect;
    this.projections = options.projections;
    this.clock = options.clock;
    this.stats = options.stats;
    this.writer = adapterExecutor(options.dialect, options.adapter);
    this.plan = { dialect: options.dialect, projections: options.projections, clock: options.clock, notifyChannel: options.notifyChannel };
  }

  /**
   * One transaction for a whole batch of appends and snapshot writes. On
   * PostgreSQL it is first tried as one statement on a prediction of where
   * the log is (`writePredicted`); when there is nothing to predict from, or
   * the prediction was wrong, the batch takes the locked path.
   */
  async writeBatch(items: WriteItem[]): Promise<WriteResult[]> {
    const sent: { batch?: Decided | undefined } = {};
    try {
      if (this.dialect === 'postgresql' && this.predictable) {
        if (this.skipPredicted > 0) this.skipPredicted--;
        else {
          const results = await this.writePredicted(items, sent);
          if (results && results !== HEAD_MOVED) return results;
        }
        // Another process moved the head (now or lately): the same statement, under the head lock taken first.
        if (this.lockFirst > 0) {
          this.lockFirst--;
          const results = await this.writeLockedFirst(items, sent);
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
    if (!(await batchCommitted(this.dialect, this.options.adapter, first, error))) throw error;
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
    const { batch, prediction } = await inTransaction(this.dialect, this.options.adapter, async (sql) => {
      // 1. The head lock: every writer of every process queues here.
      const [headRow] = await sql.query<{ position: unknown; last_timestamp: unknown }>(
        'UPDATE log_head SET "position" = "position" WHERE id = 1 RETURNING "position", last_timestamp',
      );
      if (!headRow) throw new Error('The log head row is missing: the database was not migrated');
      const startHead = toBigInt(headRow.position);
      const lastTimestamp = toDate(headRow.last_timestamp);
      const timestamp = nextTimestamp(this.clock(), lastTimestamp);

      const appends = items.flatMap((item) => (item.kind === 'append' ? [item.request] : []));
      const streams = await probeStreams(sql, appends);
      const known = await probeCommands(sql, appends);
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
      const writes = [...projected, ...batchWrites(items, batch, timestamp, this.projections)];
      if (batch.events.length > 0) writes.push({ sql: 'UPDATE log_head SET "position" = ?, last_timestamp = ? WHERE id = 1', params: [batch.head, timestamp] });
      await runTogether(sql, writes, noticeOf(batch, this.options.notifyChannel));
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
  private async writePredicted(items: WriteItem[], sent: { batch?: Decided | undefined }): Promise<WriteResult[] | typeof HEAD_MOVED | undefined> {
    const predicted = this.prediction;
    if (!predicted) return undefined;
    const plan = planOneStatement(items, predicted.head, predicted.lastTimestamp, predicted.streams, this.plan);
    if (!plan) return undefined;
    this.prediction = undefined;
    sent.batch = plan.batch;
    try {
      await this.writer.execute(plan.statement.sql, plan.statement.params);
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
      if (code !== 'LDG01') return undefined;
      this.lockFirst = this.skipPredicted + 1;
      return HEAD_MOVED;
    }
    this.predictionMisses = 0;
    this.stats.oneStatement++;
    this.committed(plan.batch, { head: plan.batch.head, lastTimestamp: plan.lastTimestamp, streams: mergeStreams(predicted.streams, plan.streams) });
    return plan.batch.results;
  }

  /**
   * With several processes writing, a prediction of the head is mostly wrong
   * (the other process committed meanwhile): the batch then takes the head
   * lock first (BEGIN, the lock, which reads the head), and sends the same
   * one statement as `writePredicted` with the head it read, streams checked
   * by `ledger_claim_head` as there, then COMMIT. The lock is held for two
   * round trips instead of the locked path's four. Undefined (nothing
   * written) when a stream or command id is not where this store saw it:
   * the locked path then probes them.
   */
  private async writeLockedFirst(items: WriteItem[], sent: { batch?: Decided | undefined }): Promise<WriteResult[] | undefined> {
    sent.batch = undefined;
    this.prediction = undefined;
    let plan: OneStatement | undefined;
    try {
      plan = await inTransaction(this.dialect, this.options.adapter, async (sql) => {
        const [headRow] = await sql.query<{ position: unknown; last_timestamp: unknown }>(
          'UPDATE log_head SET "position" = "position" WHERE id = 1 RETURNING "position", last_timestamp',
        );
        if (!headRow) throw new Error('The log head row is missing: the database was not migrated');
        const found = planOneStatement(items, toBigInt(headRow.position), toDate(headRow.last_timestamp), this.streamsSeen, this.plan);
        if (!found) throw NOT_PLANNED;
        sent.batch = found.batch;
        await sql.execute(found.statement.sql, found.statement.params);
        return found;
      });
    } catch (error) {
      const code = serverErrorCode(error);
      if (error !== NOT_PLANNED && (code === undefined || !ROLLED_BACK.has(code))) throw error;
      sent.batch = undefined;
      return undefined;
    }
    this.stats.oneStatement++;
    this.committed(plan.batch, { head: plan.batch.head, lastTimestamp: plan.lastTimestamp, streams: mergeStreams(this.streamsSeen, plan.streams) });
    return plan.batch.results;
  }

  /** After a commit: remembers where the log now is (PostgreSQL; unknown after a lost connection), counts the commit, wakes listeners. */
  private committed(batch: Decided, prediction: Prediction | undefined): void {
    if (this.dialect === 'postgresql') {
      // Streams seen before stay known: a stale one is caught by ledger_claim_head, never trusted.
      if (prediction && prediction.streams !== this.streamsSeen) prediction.streams = mergeStreams(this.streamsSeen, prediction.streams);
      this.prediction = prediction;
    }
    this.stats.commits++;
    if (batch.events.length > 0) this.options.onCommitted(batch.head);
  }
}
