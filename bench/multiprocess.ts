/**
 * Several API processes on one PostgreSQL database: GraphQL deposits/s with
 * one server process and with two, in alternating rounds on the same
 * database, from one load generator process whose K clients are spread over
 * the servers' URLs (each client on its own account, keep-alive, as in
 * bench/load.ts). Medians of the rounds.
 *
 *   node --import tsx bench/multiprocess.ts [postgres-url] [rounds] [seconds]   (standalone; builds nothing: run `npx tsc -p tsconfig.build.json` first)
 * The load generator itself: node --import tsx bench/multiprocess.ts --load <seconds> <clients> <url> [url...]
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agent, request } from 'undici';
import { UNLIMITED, spawnServer, type ServerProcess } from '../test/helpers/process.js';
import type { Measurement } from './report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEPOSIT = 'mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1.00"}) { account { balance version } } }';

interface LoadResult {
  count: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** K keep-alive clients, client i on account mp-i and on URL i mod n, depositing in a loop. */
async function load(seconds: number, clients: number, urls: string[]): Promise<LoadResult> {
  const agents = urls.map(() => new Agent({ connections: clients, pipelining: 1, keepAliveTimeout: 30_000 }));
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const target = client % urls.length;
      const body = JSON.stringify({ query: DEPOSIT, variables: { id: `mp-${client}` } });
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          const response = await request(urls[target]!, { method: 'POST', dispatcher: agents[target]!, headers: { 'content-type': 'application/json' }, body });
          const text = await response.body.text();
          if (response.statusCode !== 200 || text.includes('"errors"')) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  await Promise.all(agents.map((agent) => agent.close()));
  return { count: latencies.length, errors, seconds: elapsed, p50: pick(0.5), p99: pick(0.99) };
}

function runLoad(seconds: number, clients: number, urls: string[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/multiprocess.ts', '--load', String(seconds), String(clients), ...urls], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;

/** Deposits/s through 1 and through 2 server processes on `databaseUrl` (a fresh database), `rounds` alternating rounds. */
export async function benchMultiProcess(databaseUrl: string, options: { clients?: number; seconds?: number; rounds?: number } = {}): Promise<Measurement[]> {
  const clients = options.clients ?? 64;
  const seconds = options.seconds ?? 5;
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < 2; i++) servers.push(await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED }));
    const [a, b] = servers as [ServerProcess, ServerProcess];
    await post(a.url, 'mutation { registerUser(input: {userId: "mp", email: "mp@example.com", name: "MP"}) { user { id } } }');
    for (let i = 0; i < clients; i++) await post(a.url, 'mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "mp"}) { account { id } } }', { id: `mp-${i}` });
    const one: LoadResult[] = [];
    const two: LoadResult[] = [];
    // Warm both processes' caches of the accounts (a first deposit each) before measuring.
    await runLoad(1, clients, [a.url, b.url]);
    for (let round = 0; round < (options.rounds ?? 3); round++) {
      one.push(await runLoad(seconds, clients, [a.url]));
      two.push(await runLoad(seconds, clients, [a.url, b.url]));
    }
    for (const result of [...one, ...two]) if (result.errors > 0) throw new Error(`${result.errors} deposits failed`);
    const rate = (results: LoadResult[]) => median(results.map((result) => result.count / result.seconds));
    const k = `K=${clients}`;
    return [
      { name: `postgresql: GraphQL deposits, 2 processes, ${k}`, unit: 'commands/s', value: rate(two), baseline: '1 process, same database, same run', baselineValue: rate(one) },
      { name: `postgresql: deposit latency p99, 2 processes, ${k}`, unit: 'ms (lower better)', value: median(two.map((r) => r.p99)), baseline: '1 process p99', baselineValue: median(one.map((r) => r.p99)) },
    ];
  } finally {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--load') {
    const [secondsText, clientsText, ...urls] = process.argv.slice(3) as [string, string, ...string[]];
    console.log(JSON.stringify(await load(Number(secondsText), Number(clientsText), urls)));
    process.exit(0);
  }
  process.env.LEDGER_SERVER ??= 'dist';
  const base = process.argv[2] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `ledger_bench_mp_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    const rows = await benchMultiProcess(url.toString(), { rounds: Number(process.argv[3] ?? 3), seconds: Number(process.argv[4] ?? 5) });
    for (const row of rows) console.log(`${row.name}: ${row.value.toFixed(1)} ${row.unit} | ${row.baseline} ${row.baselineValue.toFixed(1)} | ${(row.value / row.baselineValue).toFixed(2)}x`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  process.exit(0);
}
