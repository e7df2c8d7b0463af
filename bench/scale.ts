/**
 * How cost grows with the log (`npm run bench -- --scale`; long, not in CI):
 * on SQLite and PostgreSQL, at 10k, 100k and 1M events in the log, the same
 * measurements, each reported beside its own value at 10k (a flat curve is a
 * ratio of 1.00), and bytes per event beside the event's own JSON:
 *   appends            EventStore.append, 64 writers, one event each (no HTTP)
 *   deposits           GraphQL deposits over HTTP, K=16, server from dist/
 *   time travel p99    account(version: random) state of a 2,000-event stream
 *                      (snapshots every 100), and at a random time (asOf)
 *   page reads         `events` pages of 100 deep in the log: unfiltered, by
 *                      stream type (User, ~1%), by event type, and since a time
 *   catch-up           eventsAppended replay of the whole log, beside a plain SELECT
 *   bytes per event    the database's size over its events
 * Writes bench/results/scale.json, scale.md and scale.svg.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createApp, type App } from '../src/app.js';
import { accountDecider } from '../src/accounts/decider.js';
import { loadConfig } from '../src/config.js';
import { masterKeyEnv } from '../test/helpers/app.js';
import { modules } from '../src/modules.js';
import { UNLIMITED, spawnServer } from '../test/helpers/process.js';
import { catchUpRates, median } from './catch-up.js';
import { runLoad } from './graphql.js';
import type { NewEvent } from '../src/eventstore/types.js';
import type { Measurement } from './report.js';
import { eventJson, LONG_STREAM, ScaleLog } from './scale-fill.js';
import { scaleChart, type ScalePoint } from './scale-chart.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');
/** BENCH_SCALE_SIZES=10000,30000 for a short try. */
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const LONG = 2_000;

async function timed(samples: number, run: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const p99 = (sorted: number[]) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
const perSecond = (sorted: number[]) => 1000 / median(sorted);

/** 64 writers appending one event each time, 30 times each (about 2,000 events: a fifth of the smallest log); the best of two. */
async function appendRate(app: App): Promise<number> {
  const started = performance.now();
  const run = Math.random().toString(36).slice(2, 8);
  await Promise.all(
    Array.from({ length: 64 }, async (_, w) => {
      const id = `scale-writer-${run}-${w}`;
      const meta = { correlationId: run, causationId: run, userId: 'scale' };
      for (let version = 0; version < 30; version++) {
        const event: NewEvent = version === 0
          ? { type: 'account_created', data: { accountId: id, ownerId: 'scale', currency: 'USD', initialBalance: '0.00' }, metadata: meta }
          : { type: 'money_deposited', data: { accountId: id, amount: '1.00', reference: null }, metadata: meta };
        const result = await app.store.append({ streamId: id, streamType: 'BankAccount', expectedVersion: version, events: [event] });
        if (result.status !== 'appended') throw new Error(result.status);
      }
    }),
  );
  return (64 * 30) / ((performance.now() - started) / 1000);
}

const bestOf = async (times: number, measure: () => Promise<number>) => {
  let best = 0;
  for (let i = 0; i < times; i++) best = Math.max(best, await measure());
  return best;
};

/** Database bytes (SQLite: the file after a checkpoint, free pages left out; PostgreSQL: the ledger's tables with their indexes). */
async function databaseBytes(databaseUrl: string): Promise<number> {
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(databaseUrl.slice('file:'.length));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
    const size = pages * (db.pragma('page_size', { simple: true }) as number);
    db.close();
    return size;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('VACUUM ANALYZE');
  const { rows } = await client.query(`SELECT SUM(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`);
  await client.end();
  return Number(rows[0].bytes);
}

/** The figures at one size of the log. */
async function measure(app: App, databaseUrl: string, head: bigint): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const repository = app.repository(accountDecider);
  const random = (below: number) => Math.floor(Math.random() * below);
  await timed(20, () => repository.loadAt(LONG_STREAM, { version: 1 + random(LONG) }, true).then(() => undefined));
  const travel = await timed(500, async () => {
    await repository.loadAt(LONG_STREAM, { version: 1 + random(LONG) }, true);
  });
  figures['time travel p50 (version), ms'] = median(travel);
  figures['time travel p99 (version), ms'] = p99(travel);
  const first = (await app.store.readStream(LONG_STREAM, { toVersion: 1 }))[0]!.timestamp.getTime();
  const last = (await app.store.readStream(LONG_STREAM, { afterVersion: LONG - 1 }))[0]!.timestamp.getTime();
  const asOf = await timed(200, async () => {
    await repository.loadAt(LONG_STREAM, { asOf: new Date(first + random(last - first + 1)) }, true);
  });
  figures['time travel p50 (asOf), ms'] = median(asOf);
  figures['time travel p99 (asOf), ms'] = p99(asOf);
  // Pages of 100 somewhere in the newest tenth of the log.
  const deep = () => head - BigInt(random(Number(head / 10n)) + 100);
  const sample = await app.store.readLog({ afterPosition: head / 2n, limit: 1000 });
  const since = sample[500]!.timestamp;
  const pages: Array<[string, () => Promise<unknown>]> = [
    ['pages/s: events after a deep cursor', () => app.store.readLog({ afterPosition: deep(), limit: 101 })],
    ['pages/s: events of a stream type (User, ~1%)', () => app.store.readLog({ afterPosition: deep(), streamType: 'User', limit: 101 })],
    ['pages/s: events of a type (money_withdrawn, ~6%)', () => app.store.readLog({ afterPosition: deep(), types: ['money_withdrawn'], limit: 101 })],
    ['pages/s: events since a time', () => app.store.readLog({ since, limit: 101 })],
    ['pages/s: newest events (last: 100)', () => app.store.readLog({ newestFirst: true, limit: 101 })],
  ];
  for (const [name, read] of pages) figures[name] = perSecond(await timed(200, async () => void (await read())));
  figures['bytes per event'] = (await databaseBytes(databaseUrl)) / Number(head);
  figures['event JSON bytes'] = sample.reduce((sum, event) => sum + eventJson(event).length, 0) / sample.length;
  return figures;
}

/** GraphQL deposits over HTTP through a server process (the built one) on the same database. */
async function depositRate(databaseUrl: string): Promise<number> {
  const server = await spawnServer({ DATABASE_URL: databaseUrl, PG_POOL_SIZE: '20', ...UNLIMITED });
  try {
    await runLoad(server.url, 16, 1, 'deposit'); // warm: a fresh process compiles its hot paths first
    const deposits = await runLoad(server.url, 16, 2, 'deposit');
    if (deposits.errors > 0) throw new Error(`${deposits.errors} deposits failed`);
    return deposits.count / deposits.seconds;
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

export async function runScale(freshPostgres: (name: string) => Promise<string>): Promise<Measurement[]> {
  const points: ScalePoint[] = [];
  const scratch = join(tmpdir(), 'ledger-bench-scale');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const backend of ['sqlite', 'postgresql'] as const) {
    const databaseUrl = backend === 'sqlite' ? `file:${join(scratch, 'scale.db')}` : await freshPostgres('ledger_bench_scale');
    const app = await createApp(loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'silent', SNAPSHOT_EVERY: '100', ...masterKeyEnv(databaseUrl) }), modules);
    try {
      const log = new ScaleLog(app);
      await log.start(LONG);
      // The HTTP load's accounts, bench-0 .. bench-15.
      for (let i = 0; i < 16; i++) {
        const opened = { type: 'account_created', data: { accountId: `bench-${i}`, ownerId: 'bench', currency: 'USD', initialBalance: '0.00' }, metadata: {} };
        await app.store.append({ streamId: `bench-${i}`, streamType: 'BankAccount', expectedVersion: 'no_stream', events: [opened] });
      }
      for (const size of SIZES) {
        const t0 = performance.now();
        await log.fillTo(BigInt(size));
        const head = await app.store.headPosition();
        process.stderr.write(`  ${backend}: ${head} events (filled in ${((performance.now() - t0) / 1000).toFixed(0)} s) ... `);
        const figures = await measure(app, databaseUrl, head);
        const catchUp = await catchUpRates(databaseUrl, Number(head), 2, false);
        figures['catch-up events/s (eventsAppended)'] = catchUp.batched;
        figures['catch-up, raw SELECT rows/s'] = catchUp.raw;
        // Writes last: they add a few thousand events, which the next size's fill counts.
        figures['appends/s, 64 writers'] = await bestOf(2, () => appendRate(app));
        figures['GraphQL deposits/s, K=16'] = await depositRate(databaseUrl);
        points.push({ backend, size, events: Number(head), figures });
        process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      }
    } finally {
      await app.close();
    }
  }
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'scale.json'), `${JSON.stringify(points, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'scale.svg'), scaleChart(points));
  const rows: Measurement[] = [];
  for (const point of points) {
    const base = points.find((p) => p.backend === point.backend && p.size === SIZES[0])!;
    for (const [name, value] of Object.entries(point.figures)) {
      if (name === 'event JSON bytes' || name.startsWith('catch-up, raw')) continue;
      const unit = name.includes(', ms') ? 'ms (lower better)' : name === 'bytes per event' ? 'bytes (lower better)' : 'per second';
      const label = `${point.backend}: ${name}, ${point.size.toLocaleString('en-US')} events`;
      if (name === 'bytes per event') rows.push({ name: label, unit, value, baseline: 'event JSON bytes', baselineValue: point.figures['event JSON bytes']! });
      else if (name.startsWith('catch-up events')) rows.push({ name: label, unit, value, baseline: 'raw SELECT of the log', baselineValue: point.figures['catch-up, raw SELECT rows/s']! });
      if (point !== base || name === 'bytes per event') rows.push({ name: label, unit, value, baseline: `same at ${SIZES[0]!.toLocaleString('en-US')} events`, baselineValue: base.figures[name]! });
    }
  }
  return rows;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

/** Prints the scale table and writes it to bench/results/scale.md. */
export function writeScaleTable(rows: readonly Measurement[]): void {
  const lines = [
    '| measurement | value | unit | baseline | baseline value | ratio |',
    '|---|---:|---|---|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.baseline} | ${fmt(r.baselineValue)} | ${(r.value / r.baselineValue).toFixed(2)}x |`),
  ];
  console.log(`\n${lines.join('\n')}`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'scale.md'), `${lines.join('\n')}\n`);
  console.log(`\nwritten to ${RESULTS}/scale.md, scale.json, scale.svg`);
}

// `node --import tsx bench/scale.ts` runs it on its own (what `npm run bench -- --scale` does, without building).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.LEDGER_SERVER ??= 'dist';
  const base = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const fresh = async (name: string) => {
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return url.toString();
  };
  writeScaleTable(await runScale(fresh));
  process.exit(0);
}
