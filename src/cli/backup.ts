/**
 * `npm run db:backup -- --out FILE [--database URL]`: a consistent backup of
 * DATABASE_URL (or --database) while servers keep running: SQLite through
 * `VACUUM INTO` (FILE is a ready-to-use database file), PostgreSQL through
 * `pg_dump --format=custom` (restore with `pg_restore`, or
 * `npm run db:restore -- --in FILE --database URL` into an empty database).
 * The master key is never inside the backup: a SQLite database's key file is
 * written beside it as FILE.master-key (mode 0600), to be stored apart; a key
 * in LEDGER_MASTER_KEY (always on PostgreSQL) stays where it is.
 */
import { backupDatabase } from '../eventstore/backup.js';
import { existsSync } from 'node:fs';
import { backupKeyFileOf, backupMasterKey } from '../privacy/backup-key.js';
import { databaseOf, parseArgs, required } from './log-args.js';

const options = parseArgs(process.argv.slice(2), { values: ['out', 'database'] });
const out = required(options, 'out', 'FILE');
const url = databaseOf(options);
const started = Date.now();
try {
  // The key file goes beside the backup: a file already there (an older backup's key?) is refused before the backup is written.
  const keyCopy = backupKeyFileOf(url, out, process.env);
  if (keyCopy !== undefined && existsSync(keyCopy)) throw new Error(`${keyCopy} exists already: the backup's master key file never overwrites a file; choose another --out`);
  const result = await backupDatabase(url, out);
  console.log(`Backup of the log up to position ${result.head} written to ${result.file} (${result.tool}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of backupMasterKey(url, result.file, process.env)) console.log(line);
} catch (error) {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
