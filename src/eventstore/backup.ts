/**
 * Consistent online backups, taken beside running servers:
 * - SQLite: `VACUUM INTO` on a connection of its own. It reads inside one
 *   read transaction, so the copy is the database as of one commit (WAL lets
 *   readers and the writer go on meanwhile), compacted, with the WAL folded in.
 *   Any process on the host can take it: no server needs to do it.
 * - PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot),
 *   restored with `pg_restore` into an empty database.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { dialectOf, sqlitePath } from './migrate.js';

export interface BackupResult {
  readonly file: string;
  /** The log head the backup holds. */
  readonly head: bigint;
  readonly tool: 'VACUUM INTO' | 'pg_dump';
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => fail(new BackupError(`${command} could not be started (${error.message}): is it installed and on PATH?`)));
    child.on('exit', (code) => (code === 0 ? done(stdout) : fail(new BackupError(`${command} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

export async function backupDatabase(databaseUrl: string, out: string): Promise<BackupResult> {
  const file = resolve(out);
  if (existsSync(file)) throw new BackupError(`${file} exists already: a backup never overwrites a file`);
  if (dialectOf(databaseUrl) === 'sqlite') {
    const db = new Database(sqlitePath(databaseUrl), { fileMustExist: true, timeout: 10_000 });
    try {
      db.prepare('VACUUM INTO ?').run(file);
    } finally {
      db.close();
    }
    const copy = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const row = copy.prepare('SELECT "position" FROM log_head WHERE id = 1').get() as { position: number | bigint } | undefined;
      return { file, head: BigInt(row?.position ?? 0), tool: 'VACUUM INTO' };
    } finally {
      copy.close();
    }
  }
  await run(process.env.PG_DUMP ?? 'pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${databaseUrl}`]);
  // The head the dump holds, from its data (pg_restore prints the log_head rows without a database).
  const text = await run(process.env.PG_RESTORE ?? 'pg_restore', ['--data-only', '--table=log_head', '--file=-', file]);
  const row = /^1\t(\d+)\t/m.exec(text);
  return { file, head: row ? BigInt(row[1]!) : 0n, tool: 'pg_dump' };
}

/** PostgreSQL: restores a `pg_dump` backup into an empty database (SQLite: copy the file into place instead). */
export async function restorePostgres(file: string, databaseUrl: string): Promise<void> {
  await run(process.env.PG_RESTORE ?? 'pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${databaseUrl}`, file]);
}
