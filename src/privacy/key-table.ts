/**
 * The table of wrapped data keys, on a connection of its own (SQLite: one
 * better-sqlite3 handle; PostgreSQL: a pool of two), so key look-ups never
 * queue behind appends and are counted apart from the store's reads.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqlitePath } from '../eventstore/migrate.js';

export interface KeyRow {
  readonly subjectId: string;
  /** Null once the person was forgotten (a tombstone). */
  readonly wrappedKey: string | null;
  readonly masterKeyId: string | null;
}

export interface KeyTable {
  /** How many forgets were ever committed (bumped in each forget's transaction). */
  epoch(): Promise<bigint>;
  /** The rows of these subjects (those that have one), in as few statements as the batch needs. */
  fetch(subjects: readonly string[]): Promise<KeyRow[]>;
  /** Adds a key unless the subject has a row already (another process's key, or a tombstone). */
  insert(rows: ReadonlyArray<{ subjectId: string; wrappedKey: string; masterKeyId: string }>): Promise<void>;
  /**
   * The statement that stores a new key inside an append's transaction: it
   * inserts the row unless this very key is there already, so it fails (on
   * the primary key) whenever the subject has another row: another key, or
   * a tombstone; on PostgreSQL also one committed meanwhile by a transaction
   * it waited for.
   */
  insertStatement(rows: ReadonlyArray<{ subjectId: string; wrappedKey: string; masterKeyId: string }>): { sql: string; params: unknown[] };
  /** Rows with a key wrapped by another master key than `masterKeyId`, in subject order after `after`. */
  wrappedByOthers(masterKeyId: string, after: string, limit: number): Promise<KeyRow[]>;
  /** Replaces a wrapped key if it is still the one read (false when it changed meanwhile, e.g. forgotten). */
  rewrap(subjectId: string, from: string, to: string, masterKeyId: string): Promise<boolean>;
  /** The master keys (by id) that wrap the keys held now. */
  masterKeyIds(): Promise<string[]>;
  /**
   * After a forget: makes the database files drop the bytes of destroyed keys where the database lets us
   * (SQLite: the WAL's old frames, by a checkpoint that truncates it; the pages themselves are wiped by
   * secure_delete). False when it could not be done in time (busy); nothing to do on PostgreSQL (see README).
   */
  eraseRemnants(withinMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Subjects per statement. */
const CHUNK = 500;

const chunks = <T>(items: readonly T[]): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) result.push(items.slice(i, i + CHUNK));
  return result;
};

/**
 * KeyTable.insertStatement's SQL for `count` rows (subject, wrapped key,
 * master key id) made at `createdAt`: each row is inserted unless that very
 * key is stored already, so a subject with another row fails it on the
 * primary key. (VALUES columns are column1, column2... in both dialects.)
 */
const insertUnlessThere = (count: number, createdAt: string) =>
  `INSERT INTO personal_data_keys (subject_id, wrapped_key, master_key_id, created_at)
   SELECT v.column1, v.column2, v.column3, ${createdAt} FROM (VALUES ${Array(count).fill('(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))').join(', ')}) AS v
   WHERE NOT EXISTS (SELECT 1 FROM personal_data_keys k WHERE k.subject_id = v.column1 AND k.wrapped_key = v.column2)`;

type Raw = { subject_id: string; wrapped_key: string | null; master_key_id: string | null };
const toRow = (raw: Raw): KeyRow => ({ subjectId: raw.subject_id, wrappedKey: raw.wrapped_key, masterKeyId: raw.master_key_id });

export function openKeyTable(databaseUrl: string): KeyTable {
  return databaseUrl.startsWith('file:') ? sqliteKeyTable(sqlitePath(databaseUrl)) : postgresKeyTable(databaseUrl);
}

/**
 * better-sqlite3 is synchronous: a statement that waited for the write lock
 * inside SQLite would hold the whole event loop, including the store's own
 * writer that holds the lock. So the connection never waits: a busy write
 * is tried again after a short pause, for up to ten seconds.
 */
async function retryBusy<T>(write: () => T, withinMs = 10_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      return write();
    } catch (error) {
      if (!BUSY.has((error as { code?: string }).code ?? '') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);

function sqliteKeyTable(path: string): KeyTable {
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  // What a forget or a re-wrap replaces is overwritten with zeros, not left in free space.
  db.pragma('secure_delete = ON');
  // As the store's own writer: a commit survives a crash of the process (WAL), without an fsync each.
  db.pragma('synchronous = NORMAL');
  const epoch = db.prepare<[], { forget_epoch: number | bigint }>('SELECT forget_epoch FROM personal_data_epoch WHERE id = 1');
  const insert = db.prepare('INSERT INTO personal_data_keys (subject_id, wrapped_key, master_key_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (subject_id) DO NOTHING');
  const others = db.prepare<[string, string, number], Raw>(
    'SELECT subject_id, wrapped_key, master_key_id FROM personal_data_keys WHERE wrapped_key IS NOT NULL AND master_key_id <> ? AND subject_id > ? ORDER BY subject_id LIMIT ?',
  );
  const rewrap = db.prepare('UPDATE personal_data_keys SET wrapped_key = ?, master_key_id = ? WHERE subject_id = ? AND wrapped_key = ?');
  const fetchStatements = new Map<number, Database.Statement<string[], Raw>>();
  const fetchOf = (count: number) => {
    let statement = fetchStatements.get(count);
    if (!statement) {
      statement = db.prepare<string[], Raw>(`SELECT subject_id, wrapped_key, master_key_id FROM personal_data_keys WHERE subject_id IN (${Array(count).fill('?').join(', ')})`);
      if (fetchStatements.size < 64) fetchStatements.set(count, statement);
    }
    return statement;
  };
  const now = () => new Date().toISOString();
  return {
    epoch: async () => BigInt(epoch.get()?.forget_epoch ?? 0),
    fetch: async (subjects) => chunks(subjects).flatMap((chunk) => fetchOf(chunk.length).all(...chunk).map(toRow)),
    insert: (rows) => {
      const at = now();
      return retryBusy(() => db.transaction(() => rows.forEach((row) => insert.run(row.subjectId, row.wrappedKey, row.masterKeyId, at)))());
    },
    insertStatement: (rows) => ({ sql: insertUnlessThere(rows.length, '?'), params: [now(), ...rows.flatMap((row) => [row.subjectId, row.wrappedKey, row.masterKeyId])] }),
    wrappedByOthers: async (masterKeyId, after, limit) => others.all(masterKeyId, after, limit).map(toRow),
    rewrap: (subjectId, from, to, masterKeyId) => retryBusy(() => rewrap.run(to, masterKeyId, subjectId, from).changes === 1),
    masterKeyIds: async () => db.prepare<[], { id: string }>('SELECT DISTINCT master_key_id AS id FROM personal_data_keys WHERE wrapped_key IS NOT NULL').all().map((row) => row.id),
    eraseRemnants: (withinMs) =>
      // TRUNCATE waits for no reader (this connection never waits): tried again while a reader or the
      // checkpoint worker is in the way (it answers "busy"), for up to `withinMs`. Then the WAL is zero bytes long.
      retryBusy(() => {
        const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
        if (result?.busy !== 0) throw Object.assign(new Error('the WAL is in use'), { code: 'SQLITE_BUSY' });
        return true;
      }, withinMs).catch((error: { code?: string }) => (BUSY.has(error.code ?? '') ? false : Promise.reject(error))),
    close: async () => void db.close(),
  };
}

function postgresKeyTable(url: string): KeyTable {
  const pool = new pg.Pool({ connectionString: url, max: 2, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined);
  const query = async <Row>(text: string, values: unknown[]) => (await pool.query(text, values)).rows as Row[];
  return {
    epoch: async () => BigInt((await query<{ forget_epoch: string }>('SELECT forget_epoch FROM personal_data_epoch WHERE id = 1', []))[0]?.forget_epoch ?? 0),
    fetch: async (subjects) => {
      const rows: KeyRow[] = [];
      for (const chunk of chunks(subjects)) {
        rows.push(...(await query<Raw>('SELECT subject_id, wrapped_key, master_key_id FROM personal_data_keys WHERE subject_id = ANY($1::text[])', [chunk])).map(toRow));
      }
      return rows;
    },
    insert: async (rows) => {
      if (rows.length === 0) return;
      await query(
        'INSERT INTO personal_data_keys (subject_id, wrapped_key, master_key_id, created_at) SELECT * , now() FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (subject_id) DO NOTHING',
        [rows.map((row) => row.subjectId), rows.map((row) => row.wrappedKey), rows.map((row) => row.masterKeyId)],
      );
    },
    insertStatement: (rows) => ({ sql: insertUnlessThere(rows.length, 'now()'), params: rows.flatMap((row) => [row.subjectId, row.wrappedKey, row.masterKeyId]) }),
    wrappedByOthers: async (masterKeyId, after, limit) =>
      (
        await query<Raw>(
          'SELECT subject_id, wrapped_key, master_key_id FROM personal_data_keys WHERE wrapped_key IS NOT NULL AND master_key_id <> $1 AND subject_id > $2 ORDER BY subject_id LIMIT $3',
          [masterKeyId, after, limit],
        )
      ).map(toRow),
    rewrap: async (subjectId, from, to, masterKeyId) =>
      (await pool.query('UPDATE personal_data_keys SET wrapped_key = $1, master_key_id = $2 WHERE subject_id = $3 AND wrapped_key = $4', [to, masterKeyId, subjectId, from])).rowCount === 1,
    masterKeyIds: async () => (await query<{ id: string }>('SELECT DISTINCT master_key_id AS id FROM personal_data_keys WHERE wrapped_key IS NOT NULL', [])).map((row) => row.id),
    eraseRemnants: async () => true,
    close: () => pool.end(),
  };
}
