/**
 * `npm run log:import -- --in FILE [--database URL] [--master-key-file PATH]`:
 * fills the empty database DATABASE_URL (or --database; SQLite or
 * PostgreSQL, migrated first) from a log file. The file is checked whole
 * first (checksums, counts), then the target's master key (it must open the
 * people's data keys in the file; see src/privacy/target-master-key.ts), both
 * before anything is written; then it is imported in batches. Run it again
 * after an interruption: it resumes. Read models are rebuilt by the first
 * server start on the database (online).
 *
 * --master-key-file PATH: the source's key file, for a SQLite target with
 * neither LEDGER_MASTER_KEY nor a key file of its own: copied next to the
 * target (`<database>.master-key`, mode 0600) before the import writes.
 */
import { importLog, verifyLogFile } from '../eventstore/log-import.js';
import { readLogFile } from '../eventstore/log-file-io.js';
import { openRawDatabase } from '../eventstore/raw-database.js';
import { personalDataRecords, wrappingKeyCollector } from '../privacy/log-records.js';
import { installKeyFile, planTargetMasterKey, sourceKeyHint } from '../privacy/target-master-key.js';
import { databaseOf, parseArgs, required } from './log-args.js';

const options = parseArgs(process.argv.slice(2), { values: ['in', 'database', 'master-key-file'] });
const file = required(options, 'in', 'FILE');
const url = databaseOf(options);
const keyFile = options.get('master-key-file');
const started = Date.now();
let install: { from: string; to: string } | undefined;
try {
  const wrapping = wrappingKeyCollector();
  const header = await verifyLogFile(readLogFile(file), { sections: personalDataRecords, visit: wrapping.visit });
  const plan = planTargetMasterKey({
    targetUrl: url,
    wrappedBy: wrapping.ids(),
    env: process.env,
    ...(typeof keyFile === 'string' ? { keyFile: { path: keyFile, explicit: true } } : {}),
    sourceHint: sourceKeyHint(header.source),
  });
  install = plan.install;
} catch (error) {
  console.error(`Not imported: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
let target: Awaited<ReturnType<typeof openRawDatabase>> | undefined;
try {
  target = await openRawDatabase(url);
  // The key file goes beside the target only once the import found it empty (or holding part of this export).
  const ready = () => {
    if (!install) return;
    installKeyFile(install.from, install.to);
    console.log(`Copied the master key file ${install.from} to ${install.to} (mode 0600): back it up apart from the database.`);
  };
  const result = await importLog(target, readLogFile(file), { sections: personalDataRecords, ready });
  const seconds = (Date.now() - started) / 1000;
  if (result.alreadyComplete) console.log(`Export ${result.header.exportId} was already imported into this database: nothing to do.`);
  else {
    const resumed = result.resumedAfter > 0n ? ` (resumed after position ${result.resumedAfter})` : '';
    const keys = result.header.formatVersion < 2 ? ' (a version 1 file: no data keys in it)' : `, ${result.written.dataKeys ?? 0} data keys`;
    console.log(
      `Imported ${result.written.events} events${resumed}, ${result.written.snapshots} snapshots, ${result.written.commands} command ids${keys}; head ${result.header.head}; in ${seconds.toFixed(1)} s. Read models are built when a server starts on it.`,
    );
  }
} catch (error) {
  console.error(`Import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await target?.close();
}
