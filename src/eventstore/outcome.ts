/**
 * Appends whose outcome is unknown. When the connection to PostgreSQL breaks
 * after a COMMIT (or the one-statement append) was sent, the server may have
 * committed it or not, and the client cannot tell from the error. Retrying
 * blindly would apply a command without a commandId twice. Instead the
 * batch's own event ids, decided before it was sent, serve as its
 * idempotency key: once the head lock is ours (so the transaction that sent
 * them has ended, one way or the other), the batch committed exactly when its
 * first event is in the log.
 *
 * SQLite has no such case: a commit there is a call into the library in this
 * process, which returns its outcome or throws one.
 */
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { serverErrorCode } from './prediction.js';
import { inTransaction, type Dialect } from './sql.js';
import type { StoredEvent } from './types.js';

/** How long the check waits for the head lock before giving up (the outcome then stays unknown). */
const LOCK_TIMEOUT = '5s';

/**
 * True when `error` leaves a batch's outcome open: PostgreSQL, and no error
 * reported by the server (which would mean it rolled the transaction back).
 */
export function outcomeUnknown(dialect: Dialect, error: unknown): boolean {
  return dialect === 'postgresql' && serverErrorCode(error) === undefined;
}

/**
 * Whether the batch that decided `event` (its first) committed, asked on a
 * fresh connection of `writer`. Throws UnknownOutcomeError when even that
 * cannot be told (the database is unreachable, or the head lock stays taken).
 */
export async function batchCommitted(dialect: Dialect, writer: SqlDriverAdapter, event: Pick<StoredEvent, 'id' | 'streamId' | 'version'>, cause: unknown): Promise<boolean> {
  try {
    return await inTransaction(dialect, writer, async (sql) => {
      await sql.execute(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      // Every append takes this lock first and keeps it until it ends: once granted, the lost one has ended.
      await sql.query('SELECT "position" FROM log_head WHERE id = 1 FOR UPDATE');
      // Its place in its stream (a unique key) holds it, or another writer's event, or nothing.
      return (await sql.query('SELECT 1 AS found FROM events WHERE stream_id = ? AND version = ? AND id = ?', [event.streamId, event.version, event.id])).length > 0;
    });
  } catch {
    throw new UnknownOutcomeError(cause);
  }
}

/** The batch may or may not have committed, and nobody can tell now: its commands must not be retried. */
export class UnknownOutcomeError extends Error {
  constructor(cause: unknown) {
    super('The database connection broke during a commit, and whether it committed cannot be told', { cause });
    this.name = 'UnknownOutcomeError';
  }
}
