/**
 * A codec's read-along value (EventCodec.readAlong): one scalar the store
 * selects in the same statement as the events or snapshots it then hands to
 * the codec, so it is exactly as fresh as they are, at no extra round trip.
 * Results carry it on the side (by identity), so the read paths keep their shapes.
 */
const values = new WeakMap<object, unknown>();

/** The extra column, for a SELECT's column list ('' without a read-along). */
export const alongColumn = (sql: string | undefined): string => (sql ? `, ${sql} AS read_along` : '');

/** Marks `result` with the read-along value of its rows (none when there were no rows or no read-along). */
export function tagAlong<T extends object>(result: T, rows: readonly object[]): T {
  const first = rows[0] as { read_along?: unknown } | undefined;
  if (first && 'read_along' in first) values.set(result, first.read_along);
  return result;
}

/** The read-along value `result` was read with, if any. */
export const alongOf = (result: object | null): unknown => (result === null ? undefined : values.get(result));
