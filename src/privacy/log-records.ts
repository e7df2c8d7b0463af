/**
 * People's data keys moved with the log (log export, import and copy): two
 * sections of the log file (src/eventstore/log-file.ts), after the command ids.
 *
 * - `dataKey` records: every row of `personal_data_keys` as stored, the key
 *   still wrapped by the master key that wrapped it (its id beside it), or
 *   null for a person forgotten (a tombstone). Never a plaintext data key,
 *   never a master key: the target needs the same master key to read them.
 * - one `forgetEpoch` record: the source's forget counter.
 *
 * On the target a wrapped key is added only where the subject has no row; a
 * tombstone always wins (it replaces a key a process may have made there),
 * so an import run again writes nothing twice and forgets nobody less. The
 * counter ends at the source's, or past the target's own if that was
 * already there or beyond: it always moves when people were forgotten, so
 * no process on the target keeps a key it cached before.
 */
import { createHash } from 'node:crypto';
import type { LogSection, SectionLine } from '../eventstore/log-file.js';
import { toBigInt, toDate, toNumber } from '../eventstore/sql.js';
import type { SqlExecutor } from '../eventstore/types.js';

export interface DataKeyLine extends SectionLine {
  readonly kind: 'dataKey';
  readonly subjectId: string;
  /** Base64 of the data key wrapped (AES-256-GCM) by master key `masterKeyId`; null once forgotten. */
  readonly wrappedKey: string | null;
  readonly masterKeyId: string | null;
  readonly createdAt: string;
  readonly forgottenAt: string | null;
}

export interface ForgetEpochLine extends SectionLine {
  readonly kind: 'forgetEpoch';
  /** How many forgets the source had committed (decimal text). */
  readonly forgetEpoch: string;
}

const PAGE = 1000;

type Row = { subject_id: string; wrapped_key: string | null; master_key_id: string | null; created_at: unknown; forgotten_at: unknown };

const toLine = (row: Row): DataKeyLine => ({
  kind: 'dataKey',
  subjectId: String(row.subject_id),
  wrappedKey: row.wrapped_key === null ? null : String(row.wrapped_key),
  masterKeyId: row.master_key_id === null ? null : String(row.master_key_id),
  createdAt: toDate(row.created_at).toISOString(),
  forgottenAt: row.forgotten_at === null || row.forgotten_at === undefined ? null : toDate(row.forgotten_at).toISOString(),
});

const SELECT = 'SELECT subject_id, wrapped_key, master_key_id, created_at, forgotten_at FROM personal_data_keys';

export const dataKeyRecords: LogSection<DataKeyLine> = {
  kind: 'dataKey',
  countName: 'dataKeys',
  count: async (sql) => toNumber((await sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM personal_data_keys'))[0]?.n ?? 0),
  async *lines(sql) {
    let after: string | undefined;
    for (;;) {
      const rows =
        after === undefined
          ? await sql.query<Row>(`${SELECT} ORDER BY subject_id LIMIT ${PAGE}`)
          : await sql.query<Row>(`${SELECT} WHERE subject_id > ? ORDER BY subject_id LIMIT ${PAGE}`, [after]);
      for (const row of rows) yield toLine(row);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.subject_id;
    }
  },
  async write(sql, lines) {
    if (lines.length === 0) return;
    await sql.execute(
      `INSERT INTO personal_data_keys (subject_id, wrapped_key, master_key_id, created_at, forgotten_at) VALUES ${lines.map(() => '(?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, master_key_id = NULL, forgotten_at = excluded.forgotten_at WHERE excluded.wrapped_key IS NULL`,
      lines.flatMap((line) => [line.subjectId, line.wrappedKey, line.masterKeyId, new Date(line.createdAt), line.forgottenAt === null ? null : new Date(line.forgottenAt)]),
    );
  },
};

export const forgetEpochRecord: LogSection<ForgetEpochLine> = {
  kind: 'forgetEpoch',
  countName: 'forgetEpochRecords',
  count: async () => 1,
  async *lines(sql) {
    const [row] = await sql.query<{ forget_epoch: unknown }>('SELECT forget_epoch FROM personal_data_epoch WHERE id = 1');
    yield { kind: 'forgetEpoch', forgetEpoch: (row ? toBigInt(row.forget_epoch) : 0n).toString() };
  },
  async write(sql, lines) {
    for (const line of lines) {
      const source = BigInt(line.forgetEpoch);
      if (source === 0n) continue;
      await sql.execute('UPDATE personal_data_epoch SET forget_epoch = CASE WHEN forget_epoch < ? THEN ? ELSE forget_epoch + 1 END WHERE id = 1', [source, source]);
    }
  },
};

/** What the log file carries of personal data, in file order. */
export const personalDataRecords: readonly LogSection<any>[] = [dataKeyRecords, forgetEpochRecord];

/** The master keys (by id) that wrapped the data keys a database holds (tombstones have none). */
export async function wrappingKeyIds(sql: SqlExecutor): Promise<string[]> {
  const rows = await sql.query<{ id: string }>('SELECT DISTINCT master_key_id AS id FROM personal_data_keys WHERE wrapped_key IS NOT NULL ORDER BY master_key_id');
  return rows.map((row) => String(row.id));
}

/** Collects the wrapping master keys' ids of a file's `dataKey` records (pass `visit` to verifyLogFile). */
export function wrappingKeyCollector(): { visit(line: SectionLine): void; ids(): string[] } {
  const ids = new Set<string>();
  return {
    visit(line) {
      if (line.kind === 'dataKey' && (line as DataKeyLine).wrappedKey !== null && typeof line.masterKeyId === 'string') ids.add(line.masterKeyId);
    },
    ids: () => [...ids].sort(),
  };
}

/**
 * Keys and tombstones a database holds (what a copy's verification compares): how many, and a digest of
 * the rows themselves (who, which wrapped key, which master key), so keys that were altered or swapped in
 * a move do not pass for equal. The digest is the XOR of each row's SHA-256: the same whatever order each
 * database pages its rows in (collations differ), read a page at a time.
 */
export async function keyCounts(sql: SqlExecutor): Promise<{ keys: number; tombstones: number; digest: string }> {
  const digest = Buffer.alloc(32);
  let keys = 0;
  let tombstones = 0;
  for (let after: string | undefined; ; ) {
    const rows = await sql.query<{ subject_id: string; wrapped_key: string | null; master_key_id: string | null }>(
      `SELECT subject_id, wrapped_key, master_key_id FROM personal_data_keys${after === undefined ? '' : ' WHERE subject_id > ?'} ORDER BY subject_id LIMIT ${DIGEST_PAGE}`,
      after === undefined ? [] : [after],
    );
    for (const row of rows) {
      if (row.wrapped_key === null) tombstones++;
      else keys++;
      const hash = createHash('sha256').update(JSON.stringify([row.subject_id, row.wrapped_key, row.master_key_id])).digest();
      for (let i = 0; i < 32; i++) digest[i]! ^= hash[i]!;
    }
    if (rows.length < DIGEST_PAGE) break;
    after = rows[rows.length - 1]!.subject_id;
  }
  return { keys, tombstones, digest: digest.toString('hex') };
}

/** Key rows read per statement when digesting them. */
const DIGEST_PAGE = 5_000;
