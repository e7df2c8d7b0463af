/**
 * A batch of appends as ONE statement (PostgreSQL's fast paths, see
 * appends.ts): `ledger_claim_head` first, which takes the head lock and
 * checks under it that the head and every stream are where the plan assumed,
 * then the inserts, read models, checkpoints and NOTIFY as data-modifying
 * CTEs. Also the statements every path writes for a batch.
 */
import { decide, nextTimestamp, type Decided, type StreamState, type WriteItem } from './batch.js';
import type { Dialect } from './sql.js';
import type { InlineProjection } from './types.js';
import { carriedStatements, checkpointUpsert, claimedStatement, commandInserts, eventInserts, snapshotInserts, type Statement } from './write-statements.js';

export interface OneStatement {
  statement: Statement;
  batch: Decided;
  /** The batch's streams after it. */
  streams: Map<string, StreamState>;
  /** The head's timestamp after it. */
  lastTimestamp: Date;
}

/** What planning needs of the appender. */
export interface PlanContext {
  readonly dialect: Dialect;
  readonly projections: readonly InlineProjection[];
  readonly clock: () => Date;
  readonly notifyChannel: string | undefined;
}

/**
 * The batch as one statement on the log as given (head, its timestamp, the
 * versions of streams; a stream not given is taken to be at the expected
 * version the request gives): `ledger_claim_head` first, checking under
 * the head lock that the head and every stream are as given, then the
 * writes. Undefined when it cannot be (a stream with nothing to go by, a
 * read model that needs a read, too many parameters).
 */
export function planOneStatement(items: WriteItem[], head: bigint, lastTimestamp: Date, known: ReadonlyMap<string, StreamState>, context: PlanContext): OneStatement | undefined {
  // Read models that need a read inside the transaction cannot travel in one statement.
  if (context.projections.some((projection) => !projection.appendStatements)) return undefined;
  const streams = new Map<string, StreamState>();
  const checks = new Map<string, StreamState>();
  const parts = items.flatMap((item) => (item.kind === 'append' ? item.request.streams : []));
  for (const { streamId, streamType, expectedVersion } of parts) {
    if (checks.has(streamId)) continue;
    const seen = known.get(streamId);
    if (seen) {
      streams.set(streamId, { ...seen });
      checks.set(streamId, seen);
    } else if (expectedVersion === 'any') {
      return undefined; // Nothing to predict from: the locked path probes it.
    } else {
      const version = expectedVersion === 'no_stream' ? 0 : expectedVersion;
      if (version > 0) streams.set(streamId, { version, type: streamType });
      checks.set(streamId, { version, type: streamType });
    }
  }
  const timestamp = nextTimestamp(context.clock(), lastTimestamp);
  // Command ids are not predicted: one already recorded fails the statement on the primary key.
  const batch = decide(items, head, timestamp, streams, new Map());
  const moved = batch.events.length > 0;
  const projected = moved ? context.projections.flatMap((projection) => projection.appendStatements!(context.dialect, batch.events)) : [];
  const checked = [...checks];
  const claim: Statement = {
    sql: 'SELECT ledger_claim_head(?, ?, ?, ?, ?, ?) AS "position"',
    params: [head, batch.head, moved ? timestamp : null, checked.map(([id]) => id), checked.map(([, stream]) => stream.version), checked.map(([, stream]) => stream.type)],
  };
  const statement = claimedStatement(claim, [...projected, ...batchWrites(items, batch, timestamp, context.projections)], noticeOf(batch, context.notifyChannel));
  return statement && { statement, batch, streams, lastTimestamp: moved ? timestamp : lastTimestamp };
}

/** The batch's inserts and checkpoints (the head update and read models are added by each path). */
export function batchWrites(items: readonly WriteItem[], batch: Decided, timestamp: Date, projections: readonly InlineProjection[]): Statement[] {
  const snapshots = items.flatMap((item) => (item.kind === 'snapshot' ? [item.snapshot] : []));
  const writes = [...carriedStatements(items, batch.results), ...eventInserts(batch.events), ...commandInserts(batch.commands, timestamp), ...snapshotInserts(snapshots, timestamp)];
  if (batch.events.length > 0 && projections.length > 0) {
    writes.push(checkpointUpsert(projections.map((projection) => projection.name), batch.head, timestamp));
  }
  return writes;
}

/** PostgreSQL's NOTIFY for a batch that moved the head (none without a channel). */
export function noticeOf(batch: Decided, channel: string | undefined): { channel: string; head: bigint } | undefined {
  return batch.events.length > 0 && channel ? { channel, head: batch.head } : undefined;
}
