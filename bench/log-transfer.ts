/**
 * Moving a log: `log:export` (SQLite to a file), `log:import` (the file into
 * an empty PostgreSQL) and `log:copy` (SQLite straight into PostgreSQL, the
 * copy phase of a move), in events per second, beside the raw rates measured
 * in the same run: a plain SELECT of the log in pages of 1,000 (SQLite), and
 * plain multi-row INSERTs of the same rows, 500 per statement and per
 * transaction (PostgreSQL).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { copyLog } from '../src/cli/copy-log.js';
import { modules } from '../src/modules.js';
import { exportLog } from '../src/eventstore/log-export.js';
import { importLog } from '../src/eventstore/log-import.js';
import { readLogFile, writeLogFile } from '../src/eventstore/log-file-io.js';
import { migrate } from '../src/eventstore/migrate.js';
import { openRawDatabase } from '../src/eventstore/raw-database.js';
import { rawSelectRate } from './catch-up.js';
import type { Measurement } from './report.js';

const COLUMNS = '"position", id, stream_id, stream_type, version, type, schema_version, data, metadata, "timestamp"';

/** Rows per second inserted into PostgreSQL's events table with plain multi-row INSERTs (the import's batch size). */
async function rawInsertRate(sqliteUrl: string, postgresUrl: string): Promise<number> {
  await migrate(postgresUrl);
  const db = new Database(sqliteUrl.slice('file:'.length), { readonly: true });
  const rows = db.prepare(`SELECT ${COLUMNS} FROM events ORDER BY "position"`).raw().all() as unknown[][];
  db.close();
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  const started = performance.now();
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO events (${COLUMNS}) VALUES ${chunk.map((_, r) => `(${Array.from({ length: 10 }, (_, c) => `$${r * 10 + c + 1}`).join(', ')})`).join(', ')}`,
      chunk.flatMap((row) => row.map((value, c) => (c === 9 ? new Date(String(value)) : value))),
    );
    await client.query('COMMIT');
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return rows.length / seconds;
}

export async function benchLogTransfer(sqliteUrl: string, freshPostgres: (name: string) => Promise<string>): Promise<Measurement[]> {
  const file = join(tmpdir(), `ledger-bench-log-${process.pid}.ndjson`);
  try {
    const select = await rawSelectRate(sqliteUrl);
    const insert = await rawInsertRate(sqliteUrl, await freshPostgres('ledger_bench_raw_insert'));

    const source = await openRawDatabase(sqliteUrl);
    let started = performance.now();
    let events = 0;
    try {
      await writeLogFile(
        file,
        (async function* () {
          for await (const line of exportLog(source)) {
            if (line.startsWith('{"kind":"event"')) events++;
            yield line;
          }
        })(),
      );
    } finally {
      await source.close();
    }
    const exportRate = events / ((performance.now() - started) / 1000);

    const target = await openRawDatabase(await freshPostgres('ledger_bench_import'));
    started = performance.now();
    try {
      await importLog(target, readLogFile(file));
    } finally {
      await target.close();
    }
    const importRate = events / ((performance.now() - started) / 1000);

    const report = await copyLog(sqliteUrl, await freshPostgres('ledger_bench_copy'), modules);
    if (report.mismatches.length > 0) throw new Error(`log:copy did not verify: ${report.mismatches.join('; ')}`);
    return [
      { name: 'sqlite: log:export to a file', unit: 'events/s', value: exportRate, baseline: 'raw SELECT of the log, pages of 1,000 (SQLite)', baselineValue: select },
      { name: 'postgresql: log:import from the file', unit: 'events/s', value: importRate, baseline: 'raw multi-row INSERTs, 500 a transaction (PostgreSQL)', baselineValue: insert },
      { name: 'sqlite -> postgresql: log:copy (copy phase)', unit: 'events/s', value: report.eventsPerSecond, baseline: 'raw multi-row INSERTs, 500 a transaction (PostgreSQL)', baselineValue: insert },
    ];
  } finally {
    rmSync(file, { force: true });
  }
}
