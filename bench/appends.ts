/**
 * Event-store appends (no HTTP) beside the raw driver doing the same work:
 * one event per transaction, read the stream's version then insert.
 * Single writer (sequential) and concurrent writers (distinct streams).
 */
import { rmSync, mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openEventStore } from '../src/eventstore/open.js';
import { projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';

const projections = projectionsOf(modules);
import type { Measurement } from './report.js';
import { emmettRate } from './emmett.js';

const SECONDS = () => Number(process.env.BENCH_SECONDS ?? 3);

async function timed(run: (deadline: number) => Promise<number>): Promise<number> {
  const started = performance.now();
  const count = await run(started + SECONDS() * 1000);
  return count / ((performance.now() - started) / 1000);
}

export async function storeRate(url: string, writers: number): Promise<number> {
  const store = await openEventStore({ databaseUrl: url, projections, poolSize: 10 });
  try {
    return await timed(async (deadline) => {
      let count = 0;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          let version = 0;
          while (performance.now() < deadline) {
            const result = await store.append({
              streamId: `bench-${writers}-${w}`,
              streamType: 'Bench',
              expectedVersion: version,
              events: [{ type: 'money_deposited', data: { accountId: `bench-${w}`, amount: '1.00' }, metadata: {} }],
            });
            if (result.status !== 'appended') throw new Error(`unexpected ${result.status}`);
            version = result.version;
            count++;
          }
        }),
      );
      return count;
    });
  } finally {
    await store.close();
  }
}

function rawSqliteRate(path: string): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS raw_events (position INTEGER PRIMARY KEY, stream_id TEXT, version INTEGER, type TEXT, data TEXT, ts TEXT, UNIQUE(stream_id, version))');
  const read = db.prepare('SELECT MAX(version) AS v FROM raw_events WHERE stream_id = ?');
  const insert = db.prepare('INSERT INTO raw_events (stream_id, version, type, data, ts) VALUES (?, ?, ?, ?, ?)');
  const append = db.transaction((stream: string) => {
    const { v } = read.get(stream) as { v: number | null };
    insert.run(stream, (v ?? 0) + 1, 'money_deposited', '{"amount":"1.00"}', new Date().toISOString());
  });
  const started = performance.now();
  const deadline = started + SECONDS() * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    append('raw-1');
    count++;
  }
  db.close();
  return count / ((performance.now() - started) / 1000);
}

async function rawPgRate(url: string, connections: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  await pool.query('CREATE TABLE IF NOT EXISTS raw_events (position BIGSERIAL PRIMARY KEY, stream_id TEXT, version INT, type TEXT, data TEXT, ts TIMESTAMPTZ, UNIQUE(stream_id, version))');
  try {
    return await timed(async (deadline) => {
      let count = 0;
      await Promise.all(
        Array.from({ length: connections }, async (_, w) => {
          while (performance.now() < deadline) {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              const { rows } = await client.query('SELECT MAX(version) AS v FROM raw_events WHERE stream_id = $1', [`raw-${w}`]);
              await client.query('INSERT INTO raw_events (stream_id, version, type, data, ts) VALUES ($1, $2, $3, $4, now())', [
                `raw-${w}`,
                (rows[0].v ?? 0) + 1,
                'money_deposited',
                '{"amount":"1.00"}',
              ]);
              await client.query('COMMIT');
              count++;
            } finally {
              client.release();
            }
          }
        }),
      );
      return count;
    });
  } finally {
    await pool.end();
  }
}

export async function benchAppends(options: { sqliteDir: string; postgresUrl?: string }): Promise<Measurement[]> {
  const results: Measurement[] = [];
  rmSync(options.sqliteDir, { recursive: true, force: true });
  mkdirSync(options.sqliteDir, { recursive: true });
  const rawSqlite = rawSqliteRate(`${options.sqliteDir}/raw.db`);
  const sqliteUrl = `file:${options.sqliteDir}/store.db`;
  const sqliteSingle = await storeRate(sqliteUrl, 1);
  const sqliteConcurrent = await storeRate(sqliteUrl, 64);
  const emmettFile = `${options.sqliteDir}/emmett.db`;
  results.push({ name: 'sqlite: appends, 1 writer', unit: 'events/s', value: sqliteSingle, baseline: 'raw better-sqlite3, 1-event tx', baselineValue: rawSqlite });
  results.push({ name: 'sqlite: appends, 64 writers', unit: 'events/s', value: sqliteConcurrent, baseline: 'raw better-sqlite3, 1-event tx', baselineValue: rawSqlite });
  results.push({ name: 'sqlite: appends, 1 writer', unit: 'events/s', value: sqliteSingle, baseline: 'Emmett sqlite, 1 writer', baselineValue: await emmettRate('sqlite', emmettFile, 1) });
  results.push({ name: 'sqlite: appends, 64 writers', unit: 'events/s', value: sqliteConcurrent, baseline: 'Emmett sqlite, 64 writers', baselineValue: await emmettRate('sqlite', emmettFile, 64) });
  if (options.postgresUrl) {
    const admin = new pg.Client({ connectionString: options.postgresUrl });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS ledger_bench WITH (FORCE)');
    await admin.query('CREATE DATABASE ledger_bench');
    await admin.end();
    const url = new URL(options.postgresUrl);
    url.pathname = '/ledger_bench';
    // The store first (its migrations want an empty database), then the raw table beside it.
    const single = await storeRate(url.toString(), 1);
    const concurrent = await storeRate(url.toString(), 64);
    results.push({ name: 'postgresql: appends, 1 writer', unit: 'events/s', value: single, baseline: 'raw pg, read+insert tx, 1 conn', baselineValue: await rawPgRate(url.toString(), 1) });
    results.push({ name: 'postgresql: appends, 64 writers', unit: 'events/s', value: concurrent, baseline: 'raw pg, read+insert tx, 8 conns', baselineValue: await rawPgRate(url.toString(), 8) });
    results.push({ name: 'postgresql: appends, 1 writer', unit: 'events/s', value: single, baseline: 'Emmett postgresql, 1 writer', baselineValue: await emmettRate('postgresql', url.toString(), 1) });
    results.push({ name: 'postgresql: appends, 64 writers', unit: 'events/s', value: concurrent, baseline: 'Emmett postgresql, 64 writers', baselineValue: await emmettRate('postgresql', url.toString(), 64) });
  }
  return results;
}
