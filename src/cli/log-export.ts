/**
 * `npm run log:export -- --out FILE [--gzip] [--database URL]`: writes the
 * whole log of DATABASE_URL (or --database) to FILE as NDJSON (gzip when FILE
 * ends in .gz or with --gzip): see src/eventstore/log-file.ts. Safe while
 * servers run: the file holds the log up to the head read first, then
 * people's data keys as stored (wrapped by the master key, never in clear:
 * src/privacy/log-records.ts). The master key is not in the file.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportLog } from '../eventstore/log-export.js';
import { writeLogFile } from '../eventstore/log-file-io.js';
import { openRawDatabase } from '../eventstore/raw-database.js';
import { personalDataRecords } from '../privacy/log-records.js';
import { databaseOf, parseArgs, required } from './log-args.js';

const options = parseArgs(process.argv.slice(2), { values: ['out', 'database'], flags: ['gzip'] });
const out = required(options, 'out', 'FILE');
const url = databaseOf(options);
const started = Date.now();
let source: Awaited<ReturnType<typeof openRawDatabase>> | undefined;
try {
  // Never over a file: a slip (the database, its key file, the last good export) would destroy it.
  if (existsSync(out)) throw new Error(`${resolve(out)} exists already: an export never overwrites a file`);
  source = await openRawDatabase(url, { mustExist: true });
  const from = source;
  let header = '';
  let trailer = '';
  async function* lines() {
    for await (const line of exportLog(from, { sections: personalDataRecords })) {
      if (!header) header = line;
      trailer = line;
      yield line;
    }
  }
  await writeLogFile(out, lines(), options.has('gzip') ? { gzip: true } : {});
  const { head } = JSON.parse(header) as { head: string };
  // The trailer's counts: what the file holds (its data keys may be more than the header counted).
  const { counts } = JSON.parse(trailer) as { counts: Record<string, number> };
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `Exported ${counts.events} events (head ${head}), ${counts.snapshots} snapshots, ${counts.commands} command ids, ${counts.dataKeys} data keys (wrapped) to ${out} in ${seconds.toFixed(1)} s; ${(JSON.parse(trailer) as { eventsChecksum: string }).eventsChecksum}`,
  );
  if ((counts.dataKeys ?? 0) > 0) console.log('The data keys open only with the same master key: the target needs it (LEDGER_MASTER_KEY, or this database\'s key file; see README, Export and import of the log).');
} catch (error) {
  console.error(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await source?.close();
}
