/**
 * Forgetting, in the append transaction of the event that forgets: the
 * person's data key is destroyed (the row keeps no key: a tombstone, so the
 * id never gets a key again), the forget epoch is bumped, so every
 * process drops its cached keys before its next read, and the forgotten
 * stream's command fingerprints (hashes of inputs that held personal data) go. It is an inline
 * projection for that reason only: it owns no table a rebuild may clear,
 * and replaying it forgets the same people again.
 */
import type { InlineProjection, StoredEvent } from '../eventstore/types.js';

export const FORGET_PROJECTION = 'personal_data_keys';

export function forgetProjection(forgetsOf: (type: string) => string | undefined): InlineProjection {
  const statements = (events: readonly StoredEvent[]) => {
    const forgotten = new Map<string, Date>();
    const streams = new Set<string>();
    for (const event of events) {
      const field = forgetsOf(event.type);
      const subject = field === undefined ? undefined : event.data[field];
      if (typeof subject === 'string') {
        forgotten.set(subject, event.timestamp);
        streams.add(event.streamId);
      }
    }
    if (forgotten.size === 0) return [];
    const rows = [...forgotten];
    return [
      // A command's fingerprint hashes its input, which held the person's name and email: a guess could
      // be checked against it. The forgotten stream's commands keep their ids and ranges (a retry still
      // replays) but lose the fingerprint, as records written before fingerprints have none.
      {
        sql: `UPDATE processed_commands SET fingerprint = NULL WHERE stream_id IN (${[...streams].map(() => '?').join(', ')})`,
        params: [...streams],
      },
      {
        sql: `INSERT INTO personal_data_keys (subject_id, wrapped_key, master_key_id, created_at, forgotten_at) VALUES ${rows.map(() => '(?, NULL, NULL, ?, ?)').join(', ')}
          ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, master_key_id = NULL, forgotten_at = excluded.forgotten_at`,
        params: rows.flatMap(([subject, at]) => [subject, at, at]),
      },
      { sql: 'UPDATE personal_data_epoch SET forget_epoch = forget_epoch + ? WHERE id = 1', params: [rows.length] },
    ];
  };
  return {
    name: FORGET_PROJECTION,
    tables: [],
    async apply(sql, events) {
      for (const statement of statements(events)) await sql.execute(statement.sql, statement.params);
    },
    appendStatements: (_dialect, events) => statements(events),
  };
}
