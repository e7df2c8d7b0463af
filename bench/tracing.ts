/**
 * What tracing costs: GraphQL deposits over HTTP against a server process
 * with tracing off (no OTEL_* variable: nothing loaded) and one with tracing
 * on, exporting OTLP/HTTP protobuf to a receiver in this process that
 * accepts and drops what it is sent (a collector that keeps up). Rounds
 * alternate between the two servers on fresh databases of the same kind;
 * the medians are reported, tracing off as the baseline.
 *
 * Run alone: `node --import tsx bench/tracing.ts [sqlite|postgresql-url] [seconds] [rounds]`
 * (the sources through tsx, unless LEDGER_SERVER=dist).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNLIMITED, spawnServer } from '../test/helpers/process.js';
import { runLoad } from './graphql.js';
import type { Measurement } from './report.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

/** An OTLP endpoint that reads and drops every export; counts the bytes it was sent. */
async function sink(): Promise<{ url: string; bytes: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bytes: () => bytes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Deposits/s and p99 on one fresh server, with `env` added. */
async function round(databaseUrl: string, env: Record<string, string>, seconds: number, clients: number) {
  const server = await spawnServer({ DATABASE_URL: databaseUrl, PG_POOL_SIZE: '20', ...UNLIMITED, ...env });
  try {
    await post(server.url, 'mutation { registerUser(input: {userId: "bench", email: "bench@example.com", name: "Bench"}) { user { id } } }');
    for (let i = 0; i < clients; i++) await post(server.url, 'mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "bench"}) { account { id } } }', { id: `bench-${i}` });
    // A short warm-up (JIT, connection pool), then the measured run.
    await runLoad(server.url, clients, 1, 'deposit');
    const load = await runLoad(server.url, clients, seconds, 'deposit');
    if (load.errors > 0) throw new Error(`${load.errors} deposits failed`);
    return { rate: load.count / load.seconds, p99: load.p99 };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/**
 * `freshDatabase(name)` gives an empty database URL for each round.
 * Returns deposits/s and p99 with tracing on, each beside tracing off.
 */
export async function benchTracing(label: string, freshDatabase: (name: string) => Promise<string> | string, options: { seconds: number; rounds: number; clients?: number }): Promise<Measurement[]> {
  const clients = options.clients ?? 16;
  const receiver = await sink();
  const off: Array<{ rate: number; p99: number }> = [];
  const on: Array<{ rate: number; p99: number }> = [];
  try {
    for (let i = 0; i < options.rounds; i++) {
      off.push(await round(await freshDatabase(`ledger_bench_trace_off_${i}`), {}, options.seconds, clients));
      on.push(await round(await freshDatabase(`ledger_bench_trace_on_${i}`), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'ledger-bench' }, options.seconds, clients));
    }
  } finally {
    await receiver.close();
  }
  if (receiver.bytes() === 0) throw new Error('tracing on exported nothing');
  return [
    { name: `${label}: deposits with tracing on (OTLP), K=${clients}`, unit: 'commands/s', value: median(on.map((r) => r.rate)), baseline: 'tracing off (no OTEL_* variable)', baselineValue: median(off.map((r) => r.rate)) },
    { name: `${label}: deposit p99 with tracing on, K=${clients}`, unit: 'ms (lower better)', value: median(on.map((r) => r.p99)), baseline: 'tracing off p99', baselineValue: median(off.map((r) => r.p99)) },
  ];
}

// Run alone: SQLite in a temporary folder, or the PostgreSQL server given.
if (process.argv[1]?.endsWith('tracing.ts')) {
  const [target = 'sqlite', secondsText = '5', roundsText = '3'] = process.argv.slice(2);
  const scratch = mkdtempSync(join(tmpdir(), 'ledger-trace-bench-'));
  const fresh = async (name: string): Promise<string> => {
    if (target === 'sqlite') return `file:${join(scratch, `${name}.db`)}`;
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: target });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(target);
    url.pathname = `/${name}`;
    return url.toString();
  };
  try {
    const rows = await benchTracing(target === 'sqlite' ? 'sqlite' : 'postgresql', fresh, { seconds: Number(secondsText), rounds: Number(roundsText) });
    for (const row of rows) console.log(`${row.name}: ${row.value.toFixed(1)} ${row.unit} vs ${row.baseline} ${row.baselineValue.toFixed(1)} (${((row.value / row.baselineValue - 1) * 100).toFixed(1)}%)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
