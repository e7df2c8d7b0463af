/**
 * Catch-up: one subscriber replaying the whole log from position "0" over
 * graphql-ws, in batches (`eventsAppended`) and one event per message
 * (`eventAppended`), beside reading the same rows with a plain SELECT in
 * pages of 1,000. Rounds alternate (SELECT, batched, per-event, ...) so the
 * baseline sees the same machine load; medians are reported.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { UNLIMITED, spawnServer } from '../test/helpers/process.js';
import type { Measurement } from './report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Rows per second reading the whole log straight from the database, in pages of 1,000 (all columns, no parsing). */
export async function rawSelectRate(databaseUrl: string): Promise<number> {
  const started = performance.now();
  let rows = 0;
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(databaseUrl.slice('file:'.length), { readonly: true });
    const page = db.prepare('SELECT * FROM events WHERE "position" > ? ORDER BY "position" LIMIT 1000');
    for (let after = 0; ; ) {
      const result = page.all(after) as Array<{ position: number }>;
      if (result.length === 0) break;
      rows += result.length;
      after = result[result.length - 1]!.position;
    }
    db.close();
  } else {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    for (let after = '0'; ; ) {
      const result = await client.query('SELECT * FROM events WHERE "position" > $1 ORDER BY "position" LIMIT 1000', [after]);
      if (result.rows.length === 0) break;
      rows += result.rows.length;
      after = result.rows[result.rows.length - 1].position;
    }
    await client.end();
  }
  return rows / ((performance.now() - started) / 1000);
}

/** Events per second one graphql-ws subscriber (its own process) receives replaying the log from "0". */
export function replayRate(wsUrl: string, events: number, form: 'batched' | 'per-event', maxBatch = 1000): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/catch-up-client.ts', wsUrl, String(events), form, String(maxBatch)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`catch-up client exited ${code}`));
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as { received: number; seconds: number };
      resolve(result.received / result.seconds);
    });
  });
}

export interface CatchUpRates {
  raw: number;
  batched: number;
  perEvent: number;
}

/** Medians of `rounds` alternating rounds (per-event replays are slow: at most two of them, none without `perEvent`). */
export async function catchUpRates(databaseUrl: string, events: number, rounds = 3, withPerEvent = true): Promise<CatchUpRates> {
  const server = await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED });
  const raw: number[] = [];
  const batched: number[] = [];
  const perEvent: number[] = [];
  try {
    // Warm: a fresh server compiles its hot paths on the first replay, and the database's cache fills.
    await rawSelectRate(databaseUrl);
    await replayRate(server.wsUrl, Math.min(events, 20_000), 'batched');
    for (let round = 0; round < rounds; round++) {
      raw.push(await rawSelectRate(databaseUrl));
      batched.push(await replayRate(server.wsUrl, events, 'batched'));
      if (withPerEvent && round < 2) perEvent.push(await replayRate(server.wsUrl, events, 'per-event'));
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  return { raw: median(raw), batched: median(batched), perEvent: median(perEvent) };
}

export async function benchCatchUp(label: string, databaseUrl: string, events: number, rounds = 3): Promise<Measurement[]> {
  const rates = await catchUpRates(databaseUrl, events, rounds);
  const baseline = 'raw SELECT of the log, pages of 1000';
  return [
    { name: `${label}: catch-up replay from 0, eventsAppended (maxBatch 1000)`, unit: 'events/s', value: rates.batched, baseline, baselineValue: rates.raw },
    { name: `${label}: catch-up replay from 0, eventAppended (per event)`, unit: 'events/s', value: rates.perEvent, baseline, baselineValue: rates.raw },
  ];
}

// `node --import tsx bench/catch-up.ts <databaseUrl> [rounds] [batched|per-event|both]`: on its own, on a log that exists.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.LEDGER_SERVER ??= 'dist'; // run `npx tsc -p tsconfig.build.json` first
  const [databaseUrl, roundsText, forms = 'both'] = process.argv.slice(2) as [string, string?, string?];
  const server = await spawnServer({ DATABASE_URL: databaseUrl, ...UNLIMITED });
  const head = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ events(last: 1) { edges { node { position } } } }' }) });
  const events = Number(((await head.json()) as { data: { events: { edges: Array<{ node: { position: string } }> } } }).data.events.edges[0]!.node.position);
  const rows: Array<Record<string, number>> = [];
  for (let round = 0; round < Number(roundsText ?? 3); round++) {
    const row: Record<string, number> = { raw: await rawSelectRate(databaseUrl) };
    if (forms !== 'per-event') row.batched = await replayRate(server.wsUrl, events, 'batched');
    if (forms !== 'batched') row.perEvent = await replayRate(server.wsUrl, events, 'per-event');
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  server.child.kill('SIGTERM');
  await server.exited;
  const keys = Object.keys(rows[0]!);
  console.log(JSON.stringify({ events, median: Object.fromEntries(keys.map((key) => [key, Math.round(median(rows.map((row) => row[key]!)))])) }));
  process.exit(0);
}
