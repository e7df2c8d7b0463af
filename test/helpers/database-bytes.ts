/**
 * What a database holds, as bytes a person could search for plaintext:
 * SQLite's files (the database, its WAL and journal: free pages included);
 * PostgreSQL's every table read through SQL.
 */
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { sqlitePath } from '../../src/eventstore/migrate.js';
import type { TestDatabase } from './databases.js';

export async function databaseBytes(db: TestDatabase): Promise<Buffer> {
  if (db.backend === 'sqlite') {
    const path = sqlitePath(db.url);
    return Buffer.concat([path, `${path}-wal`, `${path}-journal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const tables = (await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((row) => row.tablename);
    const dumps: string[] = [];
    for (const table of tables) {
      // A read model's shadow table (an online build switching) may go between the listing and the read.
      const rows = await client.query(`SELECT * FROM "${table}"`).then((result) => result.rows, (error: { code?: string }) => (error.code === '42P01' ? [] : Promise.reject(error)));
      dumps.push(JSON.stringify(rows, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)));
    }
    return Buffer.from(dumps.join('\n'), 'utf8');
  } finally {
    await client.end();
  }
}
