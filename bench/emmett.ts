/**
 * The peer: Emmett's event stores appending the same events to the same kind
 * of database, the same way (one event per append, expected version given).
 * SQLite runs on one shared connection with WAL (Emmett's default opens a
 * connection per operation, which is far slower); PostgreSQL on its pool.
 */
import { getSQLiteEventStore, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';

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
