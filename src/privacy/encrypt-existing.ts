/**
 * Encrypting personal data written before this release, in place: the one
 * documented exception to "stored events are never rewritten". Only the
 * personal fields change (plaintext → sealed with the person's key); ids,
 * types, versions, positions and every other field stay byte for byte what
 * they mean. Online: a page of rows per short transaction, values already
 * sealed are left alone (so it can run again, or alongside a server that is
 * writing sealed rows), and a person already forgotten gets their plaintext
 * sealed with a key nobody keeps. On SQLite, what the rows held before is
 * then wiped from the file (secure_delete, VACUUM) and the WAL is truncated.
 */
import { randomBytes } from 'node:crypto';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import type { PersonalFields } from '../domain/event-types.js';
import { dialectOf, sqlitePath } from '../eventstore/migrate.js';
import { adapterExecutor, inTransaction, placeholders, toBigInt, type Dialect } from '../eventstore/sql.js';
import type { JsonObject } from '../eventstore/types.js';
import type { PersonalCatalog } from './codec.js';
import type { DataKeys } from './data-keys.js';
import { isSealed, sealValue } from './seal.js';

const PAGE = 500;

export interface EncryptResult {
  readonly events: number;
  readonly snapshots: number;
}

async function openWriter(databaseUrl: string): Promise<{ dialect: Dialect; adapter: SqlDriverAdapter; close(): Promise<void> }> {
  const dialect = dialectOf(databaseUrl);
  if (dialect === 'sqlite') {
    const adapter = await new PrismaBetterSqlite3({ url: `file:${sqlitePath(databaseUrl)}`, timeout: 10_000 }).connect();
    return { dialect, adapter, close: () => adapter.dispose() };
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, options: '-c TimeZone=UTC' });
  const adapter = await new PrismaPg(pool).connect();
  return { dialect, adapter, close: async () => (await adapter.dispose(), await pool.end()) };
}

export async function encryptExisting(
  databaseUrl: string,
  catalog: PersonalCatalog & { readonly definitions: readonly { readonly type: string }[] },
  snapshots: ReadonlyMap<string, PersonalFields>,
  keys: DataKeys,
): Promise<EncryptResult> {
  const { dialect, adapter, close } = await openWriter(databaseUrl);
  const sql = adapterExecutor(dialect, adapter);
  try {
    if (dialect === 'sqlite') await sql.execute('PRAGMA secure_delete = ON');
    /** Seals the plaintext personal fields of `data`; undefined when there were none. */
    const seal = async (personal: PersonalFields | undefined, data: JsonObject): Promise<JsonObject | undefined> => {
      const subject = personal ? data[personal.subject] : undefined;
      if (!personal || typeof subject !== 'string') return undefined;
      const plain = personal.fields.filter((field) => data[field] !== undefined && data[field] !== null && !isSealed(data[field]));
      if (plain.length === 0) return undefined;
      let key: Buffer;
      try {
        key = await keys.forWrite(subject);
      } catch {
        // Forgotten: the plaintext goes under a key that is thrown away.
        key = randomBytes(32);
      }
      const sealed = { ...data };
      for (const field of plain) sealed[field] = sealValue(key, subject, data[field]);
      return sealed;
    };

    const types = catalog.definitions.map((definition) => definition.type).filter((type) => catalog.personalOf(type));
    let events = 0;
    for (let after = 0n; types.length > 0; ) {
      const rows = await sql.query<{ position: unknown; type: string; data: string }>(
        `SELECT "position", type, data FROM events WHERE type IN (${placeholders(types.length)}) AND "position" > ? ORDER BY "position" LIMIT ${PAGE}`,
        [...types, after],
      );
      if (rows.length === 0) break;
      const updates: Array<[string, bigint]> = [];
      for (const row of rows) {
        const sealed = await seal(catalog.personalOf(row.type), JSON.parse(row.data) as JsonObject);
        if (sealed) updates.push([JSON.stringify(sealed), toBigInt(row.position)]);
      }
      if (updates.length > 0) await inTransaction(dialect, adapter, async (tx) => {
        for (const [data, position] of updates) await tx.execute('UPDATE events SET data = ? WHERE "position" = ?', [data, position]);
      });
      events += updates.length;
      after = toBigInt(rows[rows.length - 1]!.position);
    }

    let sealedSnapshots = 0;
    for (const [streamType, personal] of snapshots) {
      for (let afterId = '', afterVersion = 0; ; ) {
        const rows = await sql.query<{ stream_id: string; version: number; state: string }>(
          `SELECT stream_id, version, state FROM snapshots WHERE stream_type = ? AND (stream_id > ? OR (stream_id = ? AND version > ?)) ORDER BY stream_id, version LIMIT ${PAGE}`,
          [streamType, afterId, afterId, afterVersion],
        );
        if (rows.length === 0) break;
        const updates: Array<[string, string, number]> = [];
        for (const row of rows) {
          const sealed = await seal(personal, JSON.parse(row.state) as JsonObject);
          if (sealed) updates.push([JSON.stringify(sealed), row.stream_id, Number(row.version)]);
        }
        if (updates.length > 0) await inTransaction(dialect, adapter, async (tx) => {
          for (const [state, streamId, version] of updates) await tx.execute('UPDATE snapshots SET state = ? WHERE stream_id = ? AND version = ?', [state, streamId, version]);
        });
        sealedSnapshots += updates.length;
        const last = rows[rows.length - 1]!;
        afterId = last.stream_id;
        afterVersion = Number(last.version);
      }
    }

    if (events + sealedSnapshots > 0) {
      // The plaintext the old rows held must not survive in free pages, the WAL or dead tuples.
      if (dialect === 'sqlite') {
        await sql.execute('VACUUM');
        await sql.query('PRAGMA wal_checkpoint(TRUNCATE)');
      } else {
        await sql.execute('VACUUM events, snapshots');
      }
    }
    return { events, snapshots: sealedSnapshots };
  } finally {
    await close();
  }
}
