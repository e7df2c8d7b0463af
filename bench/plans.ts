/**
 * The plan of every query the store and the read models run, on both
 * databases (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN (COSTS OFF)),
 * as markdown for BENCHMARKS.md. The log's reads are recorded from the real
 * code (LogReads, readStreamPages); the append path's probes and the read
 * models' queries are written out as they run.
 *
 *   node --import tsx bench/plans.ts <sqlite-url> <postgres-url>   (databases that hold a log, e.g. the scale run's)
 */
import pg from 'pg';
import { openEventStore } from '../src/eventstore/open.js';
import { LogReads } from '../src/eventstore/log-reads.js';
import { readStreamPages } from '../src/eventstore/stream-pages.js';
import type { SqlExecutor } from '../src/eventstore/types.js';
import { projectionsOf } from '../src/app.js';
import { modules } from '../src/modules.js';

interface Query {
  name: string;
  sql: string;
  params: unknown[];
}

/** Runs `work` against a reader that records each statement instead of running it (answering no rows). */
async function record(dialect: SqlExecutor['dialect'], work: (reader: SqlExecutor) => Promise<unknown>): Promise<Array<{ sql: string; params: unknown[] }>> {
  const seen: Array<{ sql: string; params: unknown[] }> = [];
  const reader: SqlExecutor = {
    dialect,
    execute: async (sql, params = []) => (seen.push({ sql, params: [...params] }), 0),
    query: async (sql, params = []) => (seen.push({ sql, params: [...params] }), []),
  };
  await work(reader).catch(() => undefined);
  return seen;
}

async function queriesOf(dialect: SqlExecutor['dialect'], sample: { streamId: string; version: number; position: bigint; at: Date; actor: string }): Promise<Query[]> {
  const { streamId, version, position, at } = sample;
  const reads = (reader: SqlExecutor) => new LogReads(reader, { eventsRead: 0 });
  const one = async (name: string, work: (reader: SqlExecutor) => Promise<unknown>) => (await record(dialect, work)).map((q, i, all) => ({ name: all.length > 1 ? `${name} (${i + 1})` : name, ...q }));
  const kind = { streamType: 'BankAccount', revision: 1 };
  return [
    ...(await one('readStream: a stream after a version', (r) => reads(r).readStream(streamId, { afterVersion: version - 10 }))),
    ...(await one('readStreams: several streams after versions (batched loads)', (r) => reads(r).readStreams(new Map([[streamId, version - 5], ['another', 0]])))),
    ...(await one('streamVersion: current version', (r) => reads(r).streamVersion(streamId))),
    ...(await one('streamVersion at a time (asOf): binary search on (stream_id, version)', (r) => reads(r).streamVersion(streamId, at))),
    ...(await one('readStreamAt: time travel, snapshot and events in one query', (r) => reads(r).readStreamAt(streamId, version, kind))),
    ...(await one('readLog: events after a cursor', (r) => reads(r).readLog({ afterPosition: position, limit: 101 }))),
    ...(await one('readLog: last page (newest first)', (r) => reads(r).readLog({ newestFirst: true, limit: 101 }))),
    ...(await one('readLog: by stream', (r) => reads(r).readLog({ afterPosition: position, streamId, limit: 101 }))),
    ...(await one('readLog: by stream type', (r) => reads(r).readLog({ afterPosition: position, streamType: 'User', limit: 101 }))),
    ...(await one('readLog: by event types', (r) => reads(r).readLog({ afterPosition: position, types: ['money_withdrawn', 'account_closed'], limit: 101 }))),
    ...(await one('readLog: since a time (binary search on the primary key)', (r) => reads(r).readLog({ since: at, limit: 101 }))),
    ...(await one('readLog: between times, newest first', (r) => reads(r).readLog({ since: at, until: new Date(at.getTime() + 60_000), newestFirst: true, limit: 101 }))),
    ...(await one('readLog: catch-up page bounded by the tailer', (r) => reads(r).readLog({ afterPosition: position, upToPosition: position + 5000n, limit: 1000 }))),
    ...(await one('headPosition', (r) => reads(r).headPosition())),
    ...(await one('findCommand', (r) => reads(r).findCommand('cmd-1', sample.actor))),
    ...(await one('readSnapshot', (r) => reads(r).readSnapshot(streamId, version, kind))),
    ...(await one('readSnapshots (batched loads)', (r) => reads(r).readSnapshots([streamId, 'another'], kind))),
    ...(await one('readStreamPages: Account.events pages', (r) => readStreamPages(r, [{ streamId, afterPosition: 0n, toVersion: version, limit: 21 }]))),
    ...(await one('readStreamPages: Account.events(reference:)', (r) => readStreamPages(r, [{ streamId, afterPosition: 0n, toVersion: version, limit: 21, dataEquals: { field: 'reference', value: 'INV-10' } }]))),
    // The append path (appends.ts, outcome.ts), as written there.
    { name: 'append: stream version probe (locked path)', sql: 'SELECT * FROM (SELECT stream_id, version, stream_type FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1) AS s0', params: [streamId] },
    { name: 'append: command id probe (locked path)', sql: 'SELECT command_id FROM processed_commands WHERE (actor = ? AND command_id = ?)', params: [sample.actor, 'cmd-1'] },
    { name: 'append: ledger_claim_head stream check (PostgreSQL function)', sql: 'SELECT e."version", e."stream_type" FROM "events" e WHERE e."stream_id" = ? ORDER BY e."version" DESC LIMIT 1', params: [streamId] },
    { name: 'append: settling an unknown outcome (outcome.ts)', sql: 'SELECT 1 AS found FROM events WHERE stream_id = ? AND version = ? AND id = ?', params: [streamId, version, 'some-id'] },
    // The read models (src/accounts/read-model.ts through Prisma Client, and its one raw query).
    { name: 'accounts: all, after a cursor', sql: 'SELECT account_id FROM accounts WHERE opened_position > ? ORDER BY opened_position LIMIT 21', params: [0n] },
    { name: "accounts: an owner's, after a cursor", sql: 'SELECT account_id FROM accounts WHERE opened_position > ? AND owner_id = ? ORDER BY opened_position LIMIT 21', params: [0n, sample.actor] },
    { name: 'accountSummary', sql: 'SELECT * FROM account_summaries WHERE account_id = ?', params: [streamId] },
  ];
}

async function plans(url: string): Promise<Map<string, string[]>> {
  const store = await openEventStore({ databaseUrl: url, projections: projectionsOf(modules) });
  try {
    const dialect = store.dialect;
    if (dialect === 'postgresql') await store.reader.execute('ANALYZE');
    else await store.reader.query('ANALYZE').catch(() => undefined);
    const head = await store.headPosition();
    const [event] = await store.readLog({ afterPosition: head - head / 10n, limit: 1 });
    const [owner] = await store.reader.query<{ owner_id: string }>('SELECT owner_id FROM accounts LIMIT 1');
    const sample = { streamId: event!.streamId, version: event!.version, position: event!.position, at: event!.timestamp, actor: owner?.owner_id ?? '' };
    const result = new Map<string, string[]>();
    // PostgreSQL reads a table of one page (log_head, and snapshots or command ids while few) rather than its
    // index; plans are taken with sequential scans off, to show the index each query has once its table grows.
    const client = dialect === 'postgresql' ? new pg.Client({ connectionString: url }) : undefined;
    await client?.connect();
    await client?.query('SET enable_seqscan = off');
    for (const query of await queriesOf(dialect, sample)) {
      if (client) {
        let n = 0;
        const { rows } = await client.query(`EXPLAIN (COSTS OFF) ${query.sql.replace(/\?/g, () => `$${++n}`)}`, query.params.map((value) => (typeof value === 'bigint' ? value.toString() : value)));
        result.set(query.name, rows.map((row: Record<string, unknown>) => String(row['QUERY PLAN'])));
      } else {
        const rows = await store.reader.query<Record<string, unknown>>(`EXPLAIN QUERY PLAN ${query.sql}`, query.params);
        result.set(query.name, rows.map((row) => String(row.detail)));
      }
    }
    await client?.end();
    return result;
  } finally {
    await store.close();
  }
}

const [sqliteUrl, postgresUrl] = process.argv.slice(2) as [string, string];
const sqlite = await plans(sqliteUrl);
const postgres = await plans(postgresUrl);
for (const [name, lines] of sqlite) {
  console.log(`**${name}**\n\n| SQLite | PostgreSQL |\n|---|---|\n| ${lines.join('<br>')} | ${(postgres.get(name) ?? []).map((line) => line.replace(/\|/g, '\\|').trim()).join('<br>')} |\n`);
}
process.exit(0);
