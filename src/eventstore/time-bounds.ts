/**
 * Times as positions and versions, without an index on timestamps.
 *
 * Timestamps never decrease along the log (each batch's is at least the
 * head's, see batch.ts), so the events at or after a time are exactly those
 * at or after one position, and within a stream those up to one version.
 * Each is found by a binary search on an index the store keeps anyway (the
 * primary key on positions; the stream's (stream_id, version) key): about
 * two probes per halving, 40 for a million events, in one recursive query
 * that runs inside the statement using it. An index on timestamps would make
 * every append write one more index entry for the sake of these reads.
 *
 * Same SQL in both dialects; `?` placeholders, listed by each builder.
 */

/**
 * The smallest position from which on every event's timestamp is at least
 * (`strict`: after) the time bound to the four `?`, or the head + 1 when no
 * event is. Positions below it that hold no event do not matter: a bound is
 * only compared with positions of events. Each row of the search carries the
 * timestamp probed at its midpoint, so a halving costs one index probe.
 */
export function firstPositionFrom(strict: boolean): string {
  const op = strict ? '>' : '>=';
  const probe = (mid: string) => `(SELECT "timestamp" FROM events WHERE "position" >= ${mid} ORDER BY "position" LIMIT 1)`;
  const lo = `CASE WHEN t ${op} ? THEN lo ELSE (lo + hi) / 2 + 1 END`;
  const hi = `CASE WHEN t ${op} ? THEN (lo + hi) / 2 ELSE hi END`;
  return `(WITH RECURSIVE head(h) AS (SELECT "position" + 1 FROM log_head WHERE id = 1),
  bounds(lo, hi, t) AS (
    SELECT CAST(1 AS BIGINT), h, ${probe('(1 + h) / 2')} FROM head
    UNION ALL
    SELECT ${lo}, ${hi}, ${probe(`((${lo}) + (${hi})) / 2`)} FROM bounds WHERE lo < hi)
  SELECT MAX(lo) FROM bounds)`;
}

/** Placeholders `firstPositionFrom` has, all bound to the same time. */
export const FIRST_POSITION_PARAMS = 4;

/**
 * The version of the stream at the time (its last event with a timestamp at
 * or before it; 0 when none), searched on (stream_id, version) the same
 * way. Versions of a stream run 1..n without gaps.
 */
export function streamVersionAt(streamId: string, at: Date): { sql: string; params: unknown[] } {
  const probe = (version: string) => `(SELECT "timestamp" FROM events WHERE stream_id = ? AND version = ${version})`;
  const lo = 'CASE WHEN t <= ? THEN (lo + hi + 1) / 2 ELSE lo END';
  const hi = 'CASE WHEN t <= ? THEN hi ELSE (lo + hi + 1) / 2 - 1 END';
  const sql = `WITH RECURSIVE last(n) AS (SELECT MAX(version) FROM events WHERE stream_id = ?),
  bounds(lo, hi, t) AS (
    SELECT 0, n, ${probe('(n + 1) / 2')} FROM last
    UNION ALL
    SELECT ${lo}, ${hi}, ${probe(`((${lo}) + (${hi}) + 1) / 2`)} FROM bounds WHERE lo < hi)
  SELECT MAX(lo) AS version FROM bounds`;
  // In the order the placeholders appear.
  return { sql, params: [streamId, streamId, at, at, streamId, at, at] };
}
