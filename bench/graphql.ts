/**
 * Commands and reads through GraphQL over HTTP, from load generators in
 * separate processes, against a server process: deposits and account reads
 * beside `{ __typename }` (the HTTP + GraphQL ceiling of the same server) and
 * beside the raw driver's one-insert-per-transaction rate.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNLIMITED, spawnServer } from '../test/helpers/process.js';
import type { Measurement } from './report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface LoadResult {
  count: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

export function runLoad(url: string, concurrency: number, seconds: number, kind: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', url, String(concurrency), String(seconds), kind], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
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

export async function benchGraphQL(label: string, databaseUrl: string, seconds: number, rawRate: { name: string; value: number }): Promise<Measurement[]> {
  const server = await spawnServer({ DATABASE_URL: databaseUrl, PG_POOL_SIZE: '20', ...UNLIMITED });
  const results: Measurement[] = [];
  try {
    await post(server.url, 'mutation { registerUser(input: {userId: "bench", email: "bench@example.com", name: "Bench"}) { user { id } } }');
    for (let i = 0; i < 64; i++) await post(server.url, 'mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "bench"}) { account { id } } }', { id: `bench-${i}` });
    for (const k of [1, 16, 64]) {
      const ceiling = await runLoad(server.url, k, seconds, 'typename');
      const deposits = await runLoad(server.url, k, seconds, 'deposit');
      if (deposits.errors > 0) throw new Error(`${deposits.errors} deposits failed`);
      const rate = deposits.count / deposits.seconds;
      const ceilingRate = ceiling.count / ceiling.seconds;
      results.push({ name: `${label}: GraphQL deposits, K=${k}`, unit: 'commands/s', value: rate, baseline: rawRate.name, baselineValue: rawRate.value });
      results.push({ name: `${label}: GraphQL deposits, K=${k}`, unit: 'commands/s', value: rate, baseline: '{ __typename } on the same server', baselineValue: ceilingRate });
      results.push({ name: `${label}: deposit latency p50, K=${k}`, unit: 'ms (lower better)', value: deposits.p50, baseline: '{ __typename } p50', baselineValue: ceiling.p50 });
      results.push({ name: `${label}: deposit latency p99, K=${k}`, unit: 'ms (lower better)', value: deposits.p99, baseline: '{ __typename } p99', baselineValue: ceiling.p99 });
    }
    const reads = await runLoad(server.url, 16, seconds, 'account');
    const ceiling = await runLoad(server.url, 16, seconds, 'typename');
    results.push({ name: `${label}: account(id) reads, K=16`, unit: 'requests/s', value: reads.count / reads.seconds, baseline: '{ __typename }, K=16', baselineValue: ceiling.count / ceiling.seconds });
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  return results;
}
