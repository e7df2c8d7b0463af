/**
 * Transfers beside deposits, measured in the same run on the same server:
 * - over GraphQL: transfers/s (each client moves 0.01 from its own account
 *   to its own destination, so clients do not queue on each other's
 *   accounts) next to deposits/s at K = 1, 16 and 64 (target: at least 0.7x
 *   deposits at K = 64);
 * - in the store: multi-stream appends (one event on each of two streams,
 *   one transaction) next to single-stream appends of one event, with 1 and
 *   64 writers.
 * Runs inside `npm run bench`; alone: `npx tsx bench/transfers.ts [sqlite-url] [postgresql-url]`.
 */
import { UNLIMITED, spawnServer } from '../test/helpers/process.js';
import { openEventStore } from '../src/eventstore/open.js';
import { projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';
import { runLoad } from './graphql.js';
import { storeRate } from './appends.js';
import type { Measurement } from './report.js';

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

export async function benchTransfersOverGraphQL(label: string, databaseUrl: string, seconds: number): Promise<Measurement[]> {
  const server = await spawnServer({ DATABASE_URL: databaseUrl, PG_POOL_SIZE: '20', ...UNLIMITED });
  const results: Measurement[] = [];
  try {
    await post(server.url, 'mutation { registerUser(input: {userId: "bench", email: "bench@example.com", name: "Bench"}) { user { id } } }');
    const open = 'mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "bench", initialBalance: "1000000.00"}) { account { id } } }';
    for (let i = 0; i < 64; i++) {
      await post(server.url, open, { id: `bench-${i}` });
      await post(server.url, open, { id: `sink-${i}` });
    }
    for (const k of [1, 16, 64]) {
      const deposits = await runLoad(server.url, k, seconds, 'deposit');
      const transfers = await runLoad(server.url, k, seconds, 'transfer');
      if (deposits.errors > 0 || transfers.errors > 0) throw new Error(`${deposits.errors} deposits and ${transfers.errors} transfers failed`);
      const depositRate = deposits.count / deposits.seconds;
      results.push({ name: `${label}: GraphQL transfers, K=${k}`, unit: 'commands/s', value: transfers.count / transfers.seconds, baseline: `GraphQL deposits, K=${k}`, baselineValue: depositRate });
      results.push({ name: `${label}: transfer latency p99, K=${k}`, unit: 'ms (lower better)', value: transfers.p99, baseline: `deposit p99, K=${k}`, baselineValue: deposits.p99 });
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  return results;
}

const SECONDS = () => Number(process.env.BENCH_SECONDS ?? 3);

/** Multi-stream appends per second: each writer appends one event to each of its two streams in one transaction. */
async function multiStreamRate(url: string, writers: number): Promise<number> {
  const store = await openEventStore({ databaseUrl: url, projections: projectionsOf(modules), poolSize: 10 });
  try {
    const started = performance.now();
    const deadline = started + SECONDS() * 1000;
    let count = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        let version = 0;
        while (performance.now() < deadline) {
          const event = { type: 'moved', data: { n: count }, metadata: {} };
          const result = await store.appendToStreams({
            streams: [
              { streamId: `multi-${writers}-${w}-a`, streamType: 'Bench', expectedVersion: version, events: [event] },
              { streamId: `multi-${writers}-${w}-b`, streamType: 'Bench', expectedVersion: version, events: [event] },
            ],
          });
          if (result.status !== 'appended') throw new Error(`unexpected ${result.status}`);
          version++;
          count++;
        }
      }),
    );
    return count / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
}

export async function benchMultiStreamAppends(label: string, databaseUrl: string): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const writers of [1, 64]) {
    const single = await storeRate(databaseUrl, writers);
    const multi = await multiStreamRate(databaseUrl, writers);
    results.push({
      name: `${label}: store, two-stream appends, ${writers} writer${writers > 1 ? 's' : ''}`,
      unit: 'appends/s',
      value: multi,
      baseline: `single-stream appends, ${writers} writer${writers > 1 ? 's' : ''}`,
      baselineValue: single,
    });
  }
  return results;
}

if (process.argv[1]?.endsWith('transfers.ts')) {
  const [sqliteUrl, postgresUrl] = process.argv.slice(2);
  const rows: Measurement[] = [];
  const seconds = SECONDS();
  for (const [label, url] of [['sqlite', sqliteUrl], ['postgresql', postgresUrl]] as const) {
    if (!url) continue;
    rows.push(...(await benchMultiStreamAppends(label, url)));
    rows.push(...(await benchTransfersOverGraphQL(label, url, seconds)));
  }
  for (const row of rows) console.log(`${row.name}: ${row.value.toFixed(0)} ${row.unit} (${row.baseline}: ${row.baselineValue.toFixed(0)}, ratio ${(row.value / row.baselineValue).toFixed(2)})`);
  process.exit(0);
}
