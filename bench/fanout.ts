/**
 * Fan-out: many eventAppended subscribers on one server process (or spread
 * over two on PostgreSQL), 10 deposits/s written over HTTP, commit-to-client
 * latency beside a plain `ws` server broadcasting a message of the same size
 * to as many sockets at the same rate (bench/fanout-raw-server.ts), measured
 * in the same run with the same subscriber process (bench/fanout-clients.ts).
 * Also the memory each idle subscriber costs the server, beside a plain
 * socket's (bench/fanout-memory.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNLIMITED, spawnServer, type ServerProcess } from '../test/helpers/process.js';
import type { Measurement } from './report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface FanOutResult {
  received: number;
  expected: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await response.json()) as { errors?: unknown };
  if (parsed.errors) throw new Error(JSON.stringify(parsed.errors));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Live subscriptions on a ledger server (its /metrics). */
async function liveSubscriptions(graphqlUrl: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^ledger_subscriptions_active (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

/** KB of JS heap and resident set per idle subscriber, each side after a full collection (bench/fanout-memory.ts). */
export function idleMemory(kind: 'ledger' | 'raw', count: number, databaseUrl: string): Promise<{ heapKB: number; rssKB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/fanout-memory.ts', kind, String(count), databaseUrl], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`fan-out memory exited ${code}`))));
  });
}

function startClients(mode: 'graphql' | 'raw', count: number, expected: number, urls: string[]): { ready: Promise<void>; result: Promise<FanOutResult>; child: ChildProcess } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fanout-clients.ts', mode, String(count), String(expected), ...urls], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('"ready"')) signalReady();
  });
  const result = new Promise<FanOutResult>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`fan-out clients exited ${code}`)))),
  );
  return { ready, result, child };
}

/** `count` sends at `perSecond`, each awaited in the background; resolves when all have answered. */
async function steadily(count: number, perSecond: number, send: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(i));
  }
  await Promise.all(pending);
}

/** Waits for the subscribers' result, ending them if deliveries have not all arrived a while after the last send. */
async function collected(clients: ReturnType<typeof startClients>, graceMs: number) {
  const timer = setTimeout(() => clients.child.kill('SIGTERM'), graceMs);
  try {
    return await clients.result;
  } finally {
    clearTimeout(timer);
  }
}

export interface FanOutOptions {
  subscribers: number;
  events: number;
  perSecond: number;
}

/** Plain ws broadcast to `subscribers` sockets. */
export async function rawFanOut(options: FanOutOptions): Promise<FanOutResult> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/fanout-raw-server.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => server.stdout!.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port)));
    const base = `http://127.0.0.1:${port}`;
    const stats = async () => (await (await fetch(`${base}/stats`)).json()) as { clients: number };
    const clients = startClients('raw', options.subscribers, options.events, [`ws://127.0.0.1:${port}`]);
    await clients.ready;
    await until('raw sockets', async () => ((await stats()).clients === options.subscribers ? true : undefined), 60_000);
    await steadily(options.events, options.perSecond, () => post(`${base}/broadcast`, {}));
    return await collected(clients, 30_000);
  } finally {
    server.kill('SIGTERM');
  }
}

/** The ledger: subscribers spread over `processes` server processes on one database, deposits written to the first. */
export async function ledgerFanOut(databaseUrl: string, options: FanOutOptions & { processes: number }): Promise<FanOutResult> {
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < options.processes; i++) servers.push(await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED }));
    const writer = servers[0]!.url;
    // Fresh ids each run: rounds share the database.
    const run = Math.random().toString(36).slice(2, 8);
    await post(writer, { query: 'mutation($u: ID!) { registerUser(input: {userId: $u, email: "fan@example.com", name: "Fan"}) { user { id } } }', variables: { u: `fan-${run}` } });
    for (let i = 0; i < 8; i++) await post(writer, { query: 'mutation($id: ID!, $u: ID!) { openAccount(input: {accountId: $id, ownerId: $u}) { account { id } } }', variables: { id: `fan-${run}-${i}`, u: `fan-${run}` } });
    const clients = startClients('graphql', options.subscribers, options.events, servers.map((server) => server.wsUrl));
    await clients.ready;
    // Acknowledged: every subscription is live on its server (its tailer holds it).
    await until('live subscriptions', async () => {
      const live = await Promise.all(servers.map((server) => liveSubscriptions(server.url)));
      return live.reduce((sum, n) => sum + n, 0) === options.subscribers ? true : undefined;
    }, 120_000);
    await steadily(options.events, options.perSecond, (i) =>
      post(writer, { query: 'mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1"}) { account { id } } }', variables: { id: `fan-${run}-${i % 8}` } }),
    );
    return await collected(clients, 30_000);
  } finally {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
}

/** Measurements for one subscriber count: ours beside the raw broadcast, rounds alternating, medians. */
export async function benchFanOut(
  label: string,
  databaseUrl: string,
  options: FanOutOptions & { processes: number; rounds?: number; p99Target?: number; memoryUrl?: string },
): Promise<Measurement[]> {
  const ours: FanOutResult[] = [];
  const raw: FanOutResult[] = [];
  for (let round = 0; round < (options.rounds ?? 1); round++) {
    raw.push(await rawFanOut(options));
    ours.push(await ledgerFanOut(databaseUrl, options));
  }
  const mid = (results: FanOutResult[], pick: (r: FanOutResult) => number) => {
    const sorted = results.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  const where = options.processes > 1 ? `${options.processes} processes` : '1 process';
  const n = `${options.subscribers.toLocaleString('en-US')} subs, ${where}, ${options.perSecond} events/s`;
  const rows: Measurement[] = [
    { name: `${label}: fan-out p50, ${n}`, unit: 'ms (lower better)', value: mid(ours, (r) => r.p50), baseline: 'raw ws broadcast p50', baselineValue: mid(raw, (r) => r.p50) },
    { name: `${label}: fan-out p99, ${n}`, unit: 'ms (lower better)', value: mid(ours, (r) => r.p99), baseline: 'raw ws broadcast p99', baselineValue: mid(raw, (r) => r.p99) },
    { name: `${label}: fan-out deliveries, ${n}`, unit: 'deliveries', value: mid(ours, (r) => r.received), baseline: 'expected (events x subscribers)', baselineValue: options.events * options.subscribers },
  ];
  if (options.p99Target) rows.push({ name: `${label}: fan-out p99, ${n}`, unit: 'ms (lower better)', value: mid(ours, (r) => r.p99), baseline: 'target p99', baselineValue: options.p99Target });
  if (options.memoryUrl) {
    // One process either way: what one more idle subscriber costs the process that holds it.
    const subs = `${options.subscribers.toLocaleString('en-US')} idle subs`;
    const memory = await idleMemory('ledger', options.subscribers, options.memoryUrl);
    const socket = await idleMemory('raw', options.subscribers, options.memoryUrl);
    rows.push({ name: `${label}: memory per idle subscriber (JS heap), ${subs}`, unit: 'KB (lower better)', value: memory.heapKB, baseline: 'target', baselineValue: 20 });
    rows.push({ name: `${label}: memory per idle subscriber (JS heap), ${subs}`, unit: 'KB (lower better)', value: memory.heapKB, baseline: 'plain ws socket (JS heap)', baselineValue: socket.heapKB });
    rows.push({ name: `${label}: memory per idle subscriber (resident set), ${subs}`, unit: 'KB (lower better)', value: memory.rssKB, baseline: 'plain ws socket (resident set)', baselineValue: socket.rssKB });
  }
  return rows;
}

// `node --import tsx bench/fanout.ts <databaseUrl> <subscribers> [events] [processes] [rounds]`: one measurement on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [databaseUrl, subscribers, events, processes, rounds] = process.argv.slice(2) as [string, string, string?, string?, string?];
  process.env.LEDGER_SERVER ??= 'dist'; // run `npx tsc -p tsconfig.build.json` first
  const memoryUrl = databaseUrl.startsWith('file:') ? databaseUrl.replace(/\.db$/, '-memory.db') : undefined;
  const rows = await benchFanOut('fan-out', databaseUrl, { subscribers: Number(subscribers), events: Number(events ?? 100), perSecond: 10, processes: Number(processes ?? 1), rounds: Number(rounds ?? 1), memoryUrl });
  for (const row of rows) console.log(`${row.name}: ${row.value.toFixed(2)} ${row.unit} | ${row.baseline} ${row.baselineValue.toFixed(2)} | ${(row.value / row.baselineValue).toFixed(2)}x`);
  process.exit(0);
}
