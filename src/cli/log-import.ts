/**
 * `npm run log:import -- --in FILE [--database URL]`: fills the empty database
 * DATABASE_URL (or --database; SQLite or PostgreSQL, migrated first) from a
 * log file. The file is checked whole first (checksums, counts), then
 * imported in batches. Run it again after an interruption: it resumes. Read
 * models are rebuilt by the first server start on the database (online).
 */
import { loadConfig } from '../config.js';
import { importLog, verifyLogFile } from '../eventstore/log-import.js';
import { readLogFile } from '../eventstore/log-file-io.js';
import { openRawDatabase } from '../eventstore/raw-database.js';
import { parseArgs, required } from './log-args.js';

const options = parseArgs(process.argv.slice(2), { values: ['in', 'database'] });
const file = required(options, 'in', 'FILE');
const url = (options.get('database') as string | undefined) ?? loadConfig().databaseUrl;
const started = Date.now();
try {
  await verifyLogFile(readLogFile(file));
} catch (error) {
  console.error(`Not imported: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const target = await openRawDatabase(url);
try {
  const result = await importLog(target, readLogFile(file));
  const seconds = (Date.now() - started) / 1000;
  if (result.alreadyComplete) console.log(`Export ${result.header.exportId} was already imported into this database: nothing to do.`);
  else {
    const resumed = result.resumedAfter > 0n ? ` (resumed after position ${result.resumedAfter})` : '';
    console.log(
      `Imported ${result.written.events} events${resumed}, ${result.written.snapshots} snapshots, ${result.written.commands} command ids; head ${result.header.head}; in ${seconds.toFixed(1)} s. Read models are built when a server starts on it.`,
    );
  }
} catch (error) {
  console.error(`Import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await target.close();
}
