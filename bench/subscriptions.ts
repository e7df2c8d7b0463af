/**
 * Subscriptions: commit-to-client latency and deliveries/s with many
 * graphql-ws subscribers (in their own process), on one server process and
 * across two (PostgreSQL); catch-up replay rate beside the database's raw read rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNLIMITED, spawnServer, type ServerProcess } from '../test/helpers/process.js';
import type { Measurement } from './report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface SubscriberResult {
  received: number;
  seconds: number;
  p50: number;
  p99: number;
}

function startSubscribers(wsUrl: string, count: number, expected: number, afterPosition?: string): { ready: Promise<void>; result: Promise<SubscriberResult>; child: ChildProcess } {
  const args = ['--import', 'tsx', 'bench/subscribers.ts', wsUrl, String(count), String(expected), ...(afterPosition ? [afterPosition] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('"ready"')) signalReady();
  });
  const result = new Promise<SubscriberResult>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as SubscriberResult) : reject(new Error(`subscribers exited ${code}`)))),
  );
  return { ready, result, child };
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

/** Writes `count` deposits at about `perSecond`, spread over 8 accounts. */
async function writeSteadily(url: string, count: number, perSecond: number): Promise<void> {
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(post(url, 'mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1"}) { account { id } } }', { id: `sub-${i % 8}` }));
  }
  await Promise.all(pending);
}

async function setup(url: string): Promise<void> {
  await post(url, 'mutation { registerUser(input: {userId: "subs", email: "subs@example.com", name: "Subs"}) { user { id } } }');
  for (let i = 0; i < 8; i++) await post(url, 'mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "subs"}) { account { id } } }', { id: `sub-${i}` });
}

export async function benchSubscriptions(
  label: string,
  databaseUrl: string,
  options: { subscribers: number; events: number; perSecond: number; twoProcesses: boolean },
): Promise<Measurement[]> {
  const writer = await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED });
  let reader: ServerProcess = writer;
  try {
    await setup(writer.url);
    if (options.twoProcesses) reader = await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED });
    const subscribers = startSubscribers(reader.wsUrl, options.subscribers, options.events);
    await subscribers.ready;
    const t0 = performance.now();
    await writeSteadily(writer.url, options.events, options.perSecond);
    const result = await subscribers.result;
    const seconds = Math.max(result.seconds, (performance.now() - t0) / 1000);
    const where = options.twoProcesses ? 'across 2 processes' : '1 process';
    const target = options.twoProcesses ? 100 : 50;
    return [
      { name: `${label}: commit-to-client p50, ${options.subscribers} subs, ${where}`, unit: 'ms (lower better)', value: result.p50, baseline: 'target p99', baselineValue: target },
      { name: `${label}: commit-to-client p99, ${options.subscribers} subs, ${where}`, unit: 'ms (lower better)', value: result.p99, baseline: 'target p99', baselineValue: target },
      { name: `${label}: deliveries, ${options.subscribers} subs, ${where}`, unit: 'deliveries/s', value: result.received / seconds, baseline: 'offered (events/s x subscribers)', baselineValue: options.perSecond * options.subscribers },
    ];
  } finally {
    for (const server of new Set([writer, reader])) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
}

/** One client replaying the whole log from position 0, beside reading the same rows straight from the database. */
export async function benchCatchUp(label: string, databaseUrl: string, events: number, rawRowsPerSecond: number): Promise<Measurement[]> {
  const server = await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED });
  try {
    const subscriber = startSubscribers(server.wsUrl, 1, events, '0');
    const result = await subscriber.result;
    return [{ name: `${label}: catch-up replay from 0`, unit: 'events/s', value: result.received / result.seconds, baseline: 'raw SELECT of the log', baselineValue: rawRowsPerSecond }];
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}
