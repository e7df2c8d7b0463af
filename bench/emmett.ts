/**
 * The peer: Emmett's event stores appending the same events to the same kind
 * of database, the same way (one event per append, expected version given).
 * SQLite runs on one shared connection with WAL (Emmett's default opens a
 * connection per operation, which is far slower); PostgreSQL on its pool.
 *
 * Emmett is installed on demand in bench/peers (peers.ts), not by the project's `npm install`.
 * Runs as its own process (Emmett changes the `pg` module's global type
 * parsers, which would leak into our store in a shared process):
 *   node --import tsx bench/emmett.ts sqlite|postgresql <file or url> <writers>
 * prints one JSON line { rate }.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePeers, loadEmmett } from './peers.js';

const SECONDS = () => Number(process.env.BENCH_SECONDS ?? 3);

type Appender = (stream: string, version: bigint) => Promise<bigint>;

async function rate(writers: number, append: Appender): Promise<number> {
  const started = performance.now();
  const deadline = started + SECONDS() * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let version = 0n;
      while (performance.now() < deadline) {
        version = await append(`emmett-${writers}-${w}`, version);
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const event = (stream: string) => ({ type: 'money_deposited', data: { accountId: stream, amount: '1.00' } });

export async function emmettSqliteRate(fileName: string, writers: number): Promise<number> {
  const { getSQLiteEventStore, sqliteConnection } = await loadEmmett();
  const connection = sqliteConnection({ fileName });
  await connection.command('PRAGMA journal_mode = WAL');
  await connection.command('PRAGMA synchronous = NORMAL');
  const store = getSQLiteEventStore({ fileName, connectionOptions: { singleton: true, connection }, schema: { autoMigration: 'CreateOrUpdate' } });
  try {
    return await rate(writers, async (stream, version) => {
      const result = await store.appendToStream(stream, [event(stream)], { expectedStreamVersion: version });
      return result.nextExpectedStreamVersion;
    });
  } finally {
    connection.close();
  }
}

export async function emmettPostgresRate(connectionString: string, writers: number): Promise<number> {
  const { getPostgreSQLEventStore } = await loadEmmett();
  const store = getPostgreSQLEventStore(connectionString, { schema: { autoMigration: 'CreateOrUpdate' } });
  try {
    return await rate(writers, async (stream, version) => {
      const result = await store.appendToStream(stream, [event(stream)], { expectedStreamVersion: version });
      return result.nextExpectedStreamVersion;
    });
  } finally {
    await store.close();
  }
}

/** Runs one Emmett measurement in a child process. */
export function emmettRate(kind: 'sqlite' | 'postgresql', target: string, writers: number): Promise<number> {
  // Installed here, in the parent, so the child's time is the measurement's.
  ensurePeers();
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/emmett.ts', kind, target, String(writers)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out.trim().split('\n').at(-1)!) as { rate: number }).rate) : reject(new Error(`emmett bench exited ${code}`))));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [kind, target, writers] = process.argv.slice(2) as [string, string, string];
  const rate = kind === 'sqlite' ? await emmettSqliteRate(target, Number(writers)) : await emmettPostgresRate(target, Number(writers));
  console.log(JSON.stringify({ rate }));
  process.exit(0);
}
