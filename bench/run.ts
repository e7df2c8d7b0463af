/** `npm run bench [-- --quick]`: every measurement next to its baseline, in one run. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAppends } from './appends.js';
import { report, type Measurement } from './report.js';

const quick = process.argv.includes('--quick');
if (quick && !process.env.BENCH_SECONDS) process.env.BENCH_SECONDS = '2';
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const results: Measurement[] = [];
results.push(...(await benchAppends({ sqliteDir: join(tmpdir(), 'ledger-bench'), postgresUrl })));
report(results);
