/**
 * What a store predicts the log to be (PostgreSQL's one-statement appends):
 * where its own last commit left it. A prediction is only ever checked, never
 * trusted: `ledger_claim_head` compares it with the log under the head lock.
 */
import type { StreamState } from './batch.js';

/** What this store knows the log to be (PostgreSQL): where its last commit left it. */
export interface Prediction {
  head: bigint;
  lastTimestamp: Date;
  /** Exact versions of streams at `head`; a stream not listed is simply not known. */
  streams: Map<string, StreamState>;
}

/** Most streams a prediction remembers (the least recently written are forgotten first). */
const PREDICTED_STREAMS = 100_000;

export function mergeStreams(into: Map<string, StreamState>, updates: ReadonlyMap<string, StreamState>): Map<string, StreamState> {
  for (const [id, stream] of updates) {
    into.delete(id);
    into.set(id, stream);
  }
  for (const id of into.keys()) {
    if (into.size <= PREDICTED_STREAMS) break;
    into.delete(id);
  }
  return into;
}

/** Server errors after which the one-statement path has certainly written nothing (autocommit rolled back). */
export const ROLLED_BACK = new Set(['LDG01', 'LDG02', '23505', '40P01']);

/** The SQLSTATE of an error the server reported (undefined for anything else, e.g. a lost connection). */
export function serverErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'DriverAdapterError') return undefined;
  const code = (error.cause as { originalCode?: unknown } | undefined)?.originalCode;
  return typeof code === 'string' ? code : undefined;
}

