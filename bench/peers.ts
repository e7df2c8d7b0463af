/**
 * The benchmark's peers (Emmett, and the sqlite3 driver it compiles from
 * source) live in bench/peers with their own package.json and lock file,
 * so the project's `npm install` neither downloads nor compiles them. The
 * benchmark installs them there on first use (`npm ci --prefix bench/peers`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PEERS = join(dirname(fileURLToPath(import.meta.url)), 'peers');

/** Installs the peers unless they are there already (a few minutes the first time: sqlite3 compiles). */
export function ensurePeers(): void {
  if (existsSync(join(PEERS, 'node_modules', '@event-driven-io', 'emmett-sqlite', 'package.json'))) return;
  process.stderr.write('installing the benchmark peers into bench/peers (once) ...\n');
  const started = performance.now();
  const result = spawnSync('npm', ['ci', '--prefix', PEERS, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ci --prefix bench/peers failed (${result.status ?? result.signal})`);
  process.stderr.write(`peers installed in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

/** What the benchmark uses of Emmett (typed here: the peers are not installed when the project type-checks). */
export interface EmmettStore {
  appendToStream(stream: string, events: Array<{ type: string; data: Record<string, unknown> }>, options: { expectedStreamVersion: bigint }): Promise<{ nextExpectedStreamVersion: bigint }>;
  close?(): Promise<void>;
}
export interface EmmettConnection {
  command(sql: string): Promise<unknown>;
  close(): void;
}
export interface Emmett {
  getSQLiteEventStore(options: Record<string, unknown>): EmmettStore;
  sqliteConnection(options: { fileName: string }): EmmettConnection;
  getPostgreSQLEventStore(connectionString: string, options: Record<string, unknown>): EmmettStore & { close(): Promise<void> };
}

export async function loadEmmett(): Promise<Emmett> {
  ensurePeers();
  return (await import(pathToFileURL(join(PEERS, 'index.mjs')).href)) as Emmett;
}
