/**
 * `npm run bench [-- --quick]`: every figure next to its baseline, measured in
 * the same run on this machine, on SQLite and on PostgreSQL.
 * Prints a table, writes bench/results/latest.json and bench/results/ratios.svg.
 *
 * BENCH_POSTGRES_URL picks the PostgreSQL server (a database `ledger_bench_*`
 * is created and dropped on it); default postgresql://postgres@127.0.0.1:5432/postgres.
 */
import { rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchAppends } from './appends.js';
import { benchGraphQL } from './graphql.js';
import { benchTimeTravel } from './time-travel.js';
import { benchSubscriptions } from './subscriptions.js';
import { benchCeiling, benchTravelOverHttp } from './ceiling.js';
import { ensurePeers } from './peers.js';
import { benchCatchUp } from './catch-up.js';
import { benchFanOut } from './fanout.js';
import { benchMultiProcess } from './multiprocess.js';
import { benchMultiStreamAppends, benchTransfersOverGraphQL } from './transfers.js';
import { benchTracing } from './tracing.js';
import { benchLogTransfer } from './log-transfer.js';
import { benchPersonalData } from './personal-data.js';
import { report, type Measurement } from './report.js';

const quick = process.argv.includes('--quick');
// Servers run from the build, the way `npm start` runs them (`npm run bench` builds first).
process.env.LEDGER_SERVER = 'dist';
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 2 : 5));
process.env.BENCH_SECONDS = String(seconds);
const streamLength = quick ? 20_000 : 100_000;
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const scratch = join(tmpdir(), 'ledger-bench');

async function freshPostgres(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function freshSqlite(name: string): string {
  mkdirSync(join(scratch, name), { recursive: true });
  return `file:${join(scratch, name, 'ledger.db')}`;
}

if (process.argv.includes('--scale')) {
  // How cost grows with the log (bench/scale.ts): its own run and its own files.
  const { runScale, writeScaleTable } = await import('./scale.js');
  writeScaleTable(await runScale(freshPostgres));
  process.exit(0);
}

rmSync(scratch, { recursive: true, force: true });
// Emmett (the appends' peer) is installed into bench/peers on the first run, before anything is timed.
ensurePeers();
const results: Measurement[] = [];
const step = async (title: string, run: () => Promise<Measurement[]>) => {
  const t0 = performance.now();
  process.stderr.write(`${title} ... `);
  results.push(...(await run()));
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
};

const appends = await (async () => {
  const rows = await benchAppends({ sqliteDir: join(scratch, 'appends'), postgresUrl: await freshPostgres('ledger_bench_appends') });
  results.push(...rows);
  return rows;
})();
const rawSqlite = appends.find((row) => row.name.startsWith('sqlite'))!;
const rawPg = appends.find((row) => row.name.startsWith('postgresql: appends, 64'))!;

await step('GraphQL on SQLite', () => benchGraphQL('sqlite', freshSqlite('graphql'), seconds, { name: rawSqlite.baseline, value: rawSqlite.baselineValue }));
await step('GraphQL on PostgreSQL', async () => benchGraphQL('postgresql', await freshPostgres('ledger_bench_graphql'), seconds, { name: rawPg.baseline, value: rawPg.baselineValue }));

await step('transfers on SQLite', async () => [
  ...(await benchMultiStreamAppends('sqlite', freshSqlite('transfers-store'))),
  ...(await benchTransfersOverGraphQL('sqlite', freshSqlite('transfers'), seconds)),
]);
await step('transfers on PostgreSQL', async () => [
  ...(await benchMultiStreamAppends('postgresql', await freshPostgres('ledger_bench_transfers_store'))),
  ...(await benchTransfersOverGraphQL('postgresql', await freshPostgres('ledger_bench_transfers'), seconds)),
]);

await step('HTTP ceiling and tails on SQLite (auth off and on)', () => benchCeiling(freshSqlite, seconds, quick ? 1 : 3));

const travelSqlite = freshSqlite('travel');
await step('time travel on SQLite', () => benchTimeTravel('sqlite', travelSqlite, streamLength, quick ? 200 : 1000));
const inProcessP99 = results.find((row) => row.name.startsWith('sqlite: time travel p99'))!.value;
await step('time travel over HTTP on SQLite', () => benchTravelOverHttp('sqlite', travelSqlite, streamLength, seconds, inProcessP99));
const travelPg = await freshPostgres('ledger_bench_travel');
await step('time travel on PostgreSQL', () => benchTimeTravel('postgresql', travelPg, streamLength, quick ? 200 : 1000));

const subscription = { subscribers: 1000, events: quick ? 50 : 200, perSecond: 10 };
await step('subscriptions on SQLite', () => benchSubscriptions('sqlite', freshSqlite('subscriptions'), { ...subscription, twoProcesses: false }));
await step('subscriptions on PostgreSQL, 2 processes', async () => benchSubscriptions('postgresql', await freshPostgres('ledger_bench_subs'), { ...subscription, twoProcesses: true }));
await step('catch-up on SQLite', () => benchCatchUp('sqlite', travelSqlite, streamLength, quick ? 1 : 3));
await step('catch-up on PostgreSQL', () => benchCatchUp('postgresql', travelPg, streamLength, quick ? 1 : 3));
const fanOut = { events: quick ? 50 : 100, perSecond: 10, rounds: quick ? 1 : 3 };
await step('fan-out, 1,000 subscribers on SQLite', () => benchFanOut('sqlite', freshSqlite('fanout'), { ...fanOut, subscribers: 1000, processes: 1, memoryUrl: freshSqlite('fanout-memory') }));
await step('fan-out, 10,000 subscribers on SQLite', () => benchFanOut('sqlite', freshSqlite('fanout-10k'), { ...fanOut, rounds: 1, subscribers: 10_000, processes: 1, p99Target: 250 }));
await step('fan-out, 10,000 subscribers on PostgreSQL, 2 processes', async () => benchFanOut('postgresql', await freshPostgres('ledger_bench_fanout'), { ...fanOut, rounds: 1, subscribers: 10_000, processes: 2, p99Target: 250 }));
await step('tracing off and on, deposits on SQLite', () => benchTracing('sqlite', freshSqlite, { seconds, rounds: quick ? 1 : 3 }));
await step('tracing off and on, deposits on PostgreSQL', () => benchTracing('postgresql', freshPostgres, { seconds, rounds: quick ? 1 : 3 }));
await step('log export, import and copy (SQLite to PostgreSQL)', () => benchLogTransfer(travelSqlite, freshPostgres));
await step('deposits through 1 and 2 processes on PostgreSQL', async () => benchMultiProcess(await freshPostgres('ledger_bench_mp'), { seconds, rounds: quick ? 1 : 3 }));
await step('personal data sealed vs not, on SQLite', () => benchPersonalData('sqlite', freshSqlite('pd-plain'), freshSqlite('pd-sealed')));
await step('personal data sealed vs not, on PostgreSQL', async () => benchPersonalData('postgresql', await freshPostgres('ledger_bench_pd_plain'), await freshPostgres('ledger_bench_pd_sealed')));

report(results, { quick, seconds });
