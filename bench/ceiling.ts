/**
 * The HTTP ceiling and the tails (issue 15, goals 1 and 2), each figure
 * beside its baseline from the same run:
 * - `{ __typename }` and deposits (64 accounts, K=64) against a plain
 *   node:http server that parses the JSON body and answers a fixed result,
 *   driven by the same raw-socket keep-alive load generator; auth off and on.
 *   Rounds alternate plain / ours so both see the same machine; medians.
 * - one sequential client's deposits: p99 against its own p50 (target 3x);
 * - time travel over HTTP at c=1 on a long stream: p99 against 5 ms, and
 *   against the plain server's p99 at c=1 (what HTTP alone costs here).
 *
 * Standalone: `node --import tsx bench/ceiling.ts [--quick]` (needs `npm run build`;
 * BENCH_SERVER_ROOT=<other checkout> measures another build the same way).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminToken, openBenchAccounts, runLoad, startLedger, startPlain, type LoadResult } from './processes.js';
import { report, type Measurement } from './report.js';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const rate = (result: LoadResult) => result.count / result.seconds;

function checked(result: LoadResult, what: string): LoadResult {
  if (result.errors > 0) throw new Error(`${what}: ${result.errors} of ${result.count} requests failed`);
  return result;
}

/** Rounds of plain, `{ __typename }`, deposits at K=64; then one sequential client's deposits. */
export async function benchCeiling(databaseUrl: (name: string) => string, seconds: number, rounds: number): Promise<Measurement[]> {
  const results: Measurement[] = [];
  const plain = await startPlain();
  try {
    for (const auth of [false, true]) {
      const label = `sqlite, auth ${auth ? 'on' : 'off'}`;
      const token = auth ? await adminToken() : undefined;
      const server = await startLedger({ DATABASE_URL: databaseUrl(auth ? 'ceiling-auth' : 'ceiling-open') }, { auth });
      try {
        await openBenchAccounts(server.url, 64, token);
        await runLoad(server.url, 16, 1, 'typename', token); // warm up
        const plainRates: number[] = [];
        const typename: number[] = [];
        const deposits: number[] = [];
        for (let round = 0; round < rounds; round++) {
          plainRates.push(rate(checked(await runLoad(plain.url, 64, seconds, 'typename', token), 'plain')));
          typename.push(rate(checked(await runLoad(server.url, 64, seconds, 'typename', token), 'typename')));
          deposits.push(rate(checked(await runLoad(server.url, 64, seconds, 'deposit', token), 'deposits')));
        }
        const limit = median(plainRates);
        results.push({ name: `${label}: { __typename }, K=64`, unit: 'requests/s', value: median(typename), baseline: 'plain node:http, K=64 (target 0.25x)', baselineValue: limit });
        results.push({ name: `${label}: deposits, K=64`, unit: 'commands/s', value: median(deposits), baseline: 'plain node:http, K=64 (target 0.2x)', baselineValue: limit });
        const sequential = checked(await runLoad(server.url, 1, seconds * 2, 'deposit', token), 'sequential deposits');
        results.push({ name: `${label}: deposit p99, 1 sequential client`, unit: 'ms (lower better)', value: sequential.p99, baseline: 'its p50 (target 3x)', baselineValue: sequential.p50 });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await plain.stop();
  }
  return results;
}

/** Time travel over HTTP at c=1 on the stream `long-<length>` already in the database. */
export async function benchTravelOverHttp(label: string, databaseUrl: string, length: number, seconds: number, inProcessP99: number): Promise<Measurement[]> {
  const plain = await startPlain();
  const server = await startLedger({ DATABASE_URL: databaseUrl });
  try {
    const kind = `travel:long-${length}:${length}`;
    await runLoad(server.url, 1, 1, kind); // warm up
    const travel = checked(await runLoad(server.url, 1, seconds * 2, kind), 'time travel');
    const floor = checked(await runLoad(plain.url, 1, seconds, 'typename'), 'plain');
    return [
      { name: `${label}: time travel over HTTP p99, c=1, ${length} events`, unit: 'ms (lower better)', value: travel.p99, baseline: 'target', baselineValue: 5 },
      { name: `${label}: time travel over HTTP p50, c=1, ${length} events`, unit: 'ms (lower better)', value: travel.p50, baseline: 'in-process time travel p99', baselineValue: inProcessP99 },
      { name: `${label}: time travel over HTTP p99, c=1, ${length} events`, unit: 'ms (lower better)', value: travel.p99, baseline: 'plain node:http p99, c=1', baselineValue: floor.p99 },
    ];
  } finally {
    await server.stop();
    await plain.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const scratch = join(tmpdir(), `ledger-ceiling-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  const databaseUrl = (name: string) => {
    mkdirSync(join(scratch, name), { recursive: true });
    return `file:${join(scratch, name, 'ledger.db')}`;
  };
  try {
    const results = await benchCeiling(databaseUrl, Number(process.env.BENCH_SECONDS ?? (quick ? 2 : 5)), Number(process.env.ROUNDS ?? 3));
    report(results, { quick, only: 'ceiling', server: process.env.BENCH_SERVER_ROOT ?? 'this checkout' }, { write: false });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exit(0);
}
