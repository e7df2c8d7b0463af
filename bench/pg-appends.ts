/**
 * PostgreSQL appends only, for before/after comparisons on a busy machine:
 * our store and Emmett, 1 and 64 writers, on a fresh database per round, in
 * alternating rounds (ours, Emmett, ours, Emmett, ...) so both see the same
 * load. Prints one JSON line per round and one with the medians.
 *
 *   BENCH_SECONDS=2 ROUNDS=3 node --import tsx bench/pg-appends.ts [postgres-url]
 *
 * To compare two versions of the store, run it from both checkouts in turn.
 */
import pg from 'pg';
import { storeRate } from './appends.js';
import { emmettRate } from './emmett.js';

const base = process.argv[2] ?? process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const rounds = Number(process.env.ROUNDS ?? 3);
const name = `ledger_bench_pga_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
const url = new URL(base);
url.pathname = `/${name}`;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

try {
  const rows: Array<Record<string, number>> = [];
  for (let round = 0; round < rounds; round++) {
    // A fresh database each round: both stores start their streams at version 0.
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const ours1 = await storeRate(url.toString(), 1);
    const emmett1 = await emmettRate('postgresql', url.toString(), 1);
    const ours64 = await storeRate(url.toString(), 64);
    const emmett64 = await emmettRate('postgresql', url.toString(), 64);
    const row = { ours1, emmett1, ratio1: ours1 / emmett1, ours64, emmett64, ratio64: ours64 / emmett64 };
    rows.push(row);
    console.log(JSON.stringify(Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value.toFixed(2))]))));
  }
  const keys = Object.keys(rows[0]!);
  console.log(JSON.stringify({ median: Object.fromEntries(keys.map((key) => [key, Number(median(rows.map((row) => row[key]!)).toFixed(2))])) }));
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
process.exit(0);
