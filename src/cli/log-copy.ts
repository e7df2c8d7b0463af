/**
 * `npm run log:copy -- --from URL --to URL`: copies the whole log of one
 * database into an empty other (SQLite or PostgreSQL, either way), rebuilds
 * the read models there and verifies the copy (see copy-log.ts). People's
 * data keys go with it, wrapped: the target's master key must be the
 * source's (LEDGER_MASTER_KEY; a SQLite target with none gets the SQLite
 * source's key file), checked before the target is touched. Prints the
 * verification report as JSON; exits 1 when anything differs.
 */
import { modules } from '../modules.js';
import { copyLog } from './copy-log.js';
import { parseArgs, required } from './log-args.js';

const options = parseArgs(process.argv.slice(2), { values: ['from', 'to'] });
const from = required(options, 'from', 'URL (the source database)');
const to = required(options, 'to', 'URL (the empty target database)');
try {
  const report = await copyLog(from, to, modules, (message) => console.error(message));
  console.log(JSON.stringify(report, null, 2));
  if (report.mismatches.length > 0) {
    console.error(`NOT VERIFIED: ${report.mismatches.length} difference(s), see "mismatches"`);
    process.exitCode = 1;
  } else {
    const agree = report.notCompared.length === 0 ? "every stream's state, read-model count and people's data keys agree" : `every stream's state agrees; not compared, the source having moved on: ${report.notCompared.join(', ')}`;
    console.error(`Verified: ${report.target.counts.events} events up to position ${report.head} copied at ${report.eventsPerSecond} events/s; ${agree}.`);
  }
} catch (error) {
  console.error(`Copy failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
