/**
 * `npm run db:restore -- --in FILE --database URL`: restores a `db:backup`
 * of PostgreSQL (a pg_dump archive) into the empty database URL. A SQLite
 * backup is a database file: stop the server, put the file in place of the
 * database (removing its -wal and -shm files) and the backup's key file
 * (FILE.master-key) beside it as <database>.master-key, start the server.
 * PostgreSQL servers need the same LEDGER_MASTER_KEY as before.
 */
import { restorePostgres } from '../eventstore/backup.js';
import { dialectOf } from '../eventstore/migrate.js';
import { parseArgs, required } from './log-args.js';

const options = parseArgs(process.argv.slice(2), { values: ['in', 'database'] });
const file = required(options, 'in', 'FILE');
const url = required(options, 'database', 'URL (an empty PostgreSQL database)');
if (dialectOf(url) !== 'postgresql') {
  console.error('A SQLite backup is a database file: stop the server, copy it into place and its key file FILE.master-key beside it as <database>.master-key (see README, Backups).');
  process.exit(2);
}
try {
  await restorePostgres(file, url);
  console.log(`Restored ${file} into ${new URL(url).pathname.slice(1)}`);
} catch (error) {
  console.error(`Restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
