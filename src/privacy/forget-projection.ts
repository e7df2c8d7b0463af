/**
 * Forgetting, in the append transaction of the event that forgets: the
 * person's data key is destroyed (the row keeps no key: a tombstone, so the
 * id never gets a key again) and the forget epoch is bumped, so every
 * process drops its cached keys before its next read. It is an inline
 * projection for that reason only: it owns no table a rebuild may clear,
 * and replaying it forgets the same people again.
 */
import type { InlineProjection, StoredEvent } from '../eventstore/types.js';

export const FORGET_PROJECTION = 'personal_data_keys';

export function forgetProjection(forgetsOf: (type: string) => string | undefined): InlineProjection {
  const statements = (events: readonly StoredEvent[]) => {
    const forgotten = new Map<string, Date>();
    for (const event of events) {
      const field = forgetsOf(event.type);
      const subject = field === undefined ? undefined : event.data[field];
      if (typeof subject === 'string') forgotten.set(subject, event.timestamp);
    }
    if (forgotten.size === 0) return [];
    const rows = [...forgotten];
    return [
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
