/**
 * The account read models, kept inline with the append transaction:
 * - `accounts`: every account's current state, listed per owner;
 * - `account_summaries`: deposit/withdrawal totals and counts (the initial
 *   balance is not a transaction).
 *
 * A batch of events costs a fixed handful of statements, not one per event:
 * new accounts in one multi-row insert, then the rows' last applied
 * positions in one read, then every changed row in one UPDATE ... FROM
 * (VALUES ...). Only events above a row's last applied position count, and
 * the update only lands if that position is still what was read, so applying
 * an event twice (or a page of the log again, split any way) changes nothing.
 */
import { parseMoney } from '../domain/money.js';
import { placeholders, toBigInt } from '../eventstore/sql.js';
import type { InlineProjection, SqlExecutor, StoredEvent } from '../eventstore/types.js';
import { AccountStreamType, type AccountEvent } from './events.js';

type AccountRecord = StoredEvent & AccountEvent;
const CHUNK = 200;

function cents(text: string): bigint {
  const value = parseMoney(text);
  if (value === null) throw new Error(`Corrupt amount in the event log: ${text}`);
  return value;
}

function accountEvents(events: readonly StoredEvent[]): AccountRecord[] {
  return events.filter((event) => event.streamType === AccountStreamType) as unknown as AccountRecord[];
}

/** Casts that read the same in both dialects; timestamps need PostgreSQL's type, and SQLite must not cast them. */
const cast = (dialect: SqlExecutor['dialect']) => ({
  text: 'CAST(? AS TEXT)',
  bigint: 'CAST(? AS BIGINT)',
  int: 'CAST(? AS INTEGER)',
  timestamp: dialect === 'postgresql' ? 'CAST(? AS TIMESTAMPTZ)' : '?',
});

async function insertRows(sql: SqlExecutor, head: string, row: string, rows: readonly unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    await sql.execute(`${head} VALUES ${chunk.map(() => row).join(', ')} ON CONFLICT (account_id) DO NOTHING`, chunk.flat());
  }
}

/** Last applied position of each row that exists. */
async function lastPositions(sql: SqlExecutor, table: string, ids: readonly string[]): Promise<Map<string, bigint>> {
  const result = new Map<string, bigint>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const rows = await sql.query<{ account_id: string; last_position: unknown }>(
      `SELECT account_id, last_position FROM ${table} WHERE account_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const row of rows) result.set(row.account_id, toBigInt(row.last_position));
  }
  return result;
}

/** Groups the events each row has not seen yet, in position order. */
async function unseen(sql: SqlExecutor, table: string, events: readonly AccountRecord[]) {
  const changes = events.filter((event) => event.type !== 'account_created');
  const seen = await lastPositions(sql, table, [...new Set(changes.map((event) => event.streamId))]);
  const groups = new Map<string, { previous: bigint; events: AccountRecord[] }>();
  for (const event of changes) {
    const previous = seen.get(event.streamId);
    if (previous === undefined || event.position <= previous) continue;
    const group = groups.get(event.streamId) ?? { previous, events: [] };
    group.events.push(event);
    groups.set(event.streamId, group);
  }
  return groups;
}

async function updateFromValues(sql: SqlExecutor, update: (values: string) => string, row: string, rows: readonly unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    await sql.execute(update(chunk.map(() => row).join(', ')), chunk.flat());
  }
}

/** Events of each account in the batch, in order. */
function byAccount(events: readonly AccountRecord[]): Map<string, AccountRecord[]> {
  const groups = new Map<string, AccountRecord[]>();
  for (const event of events) {
    const group = groups.get(event.streamId);
    if (group) group.push(event);
    else groups.set(event.streamId, [event]);
  }
  return groups;
}

function valuesStatement(head: string, row: string, rows: readonly unknown[][], tail: string): Array<{ sql: string; params: unknown[] }> {
  const statements: Array<{ sql: string; params: unknown[] }> = [];
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    statements.push({ sql: `${head} ${chunk.map(() => row).join(', ')} ${tail}`, params: chunk.flat() });
  }
  return statements;
}

export const accountsProjection: InlineProjection = {
  name: 'accounts',
  tables: ['accounts'],
  appendStatements(dialect, all) {
    const c = cast(dialect);
    const created: unknown[][] = [];
    const changed: unknown[][] = [];
    for (const [id, events] of byAccount(accountEvents(all))) {
      let delta = 0n;
      let closed = 0;
      let opening: AccountRecord | undefined;
      for (const e of events) {
        if (e.type === 'account_created') opening = e;
        else if (e.type === 'money_deposited') delta += cents(e.data.amount);
        else if (e.type === 'money_withdrawn') delta -= cents(e.data.amount);
        else if (e.type === 'account_closed') closed = 1;
      }
      const last = events[events.length - 1]!;
      if (opening && opening.type === 'account_created') {
        const d = opening.data;
        created.push([id, d.ownerId, d.currency, cents(d.initialBalance) + delta, closed === 0, opening.timestamp, last.version, opening.position, last.position]);
      } else {
        changed.push([id, delta, last.version, last.position, closed, events[0]!.position]);
      }
    }
    return [
      ...valuesStatement(
        'INSERT INTO accounts (account_id, owner_id, currency, balance, is_active, created_at, version, opened_position, last_position) VALUES',
        '(?, ?, ?, ?, ?, ?, ?, ?, ?)',
        created,
        'ON CONFLICT (account_id) DO NOTHING',
      ),
      ...valuesStatement(
        `UPDATE accounts SET balance = accounts.balance + v.column2, version = v.column3, last_position = v.column4,
           is_active = CASE WHEN v.column5 = 1 THEN false ELSE accounts.is_active END
         FROM (VALUES`,
        `(${c.text}, ${c.bigint}, ${c.int}, ${c.bigint}, ${c.int}, ${c.bigint})`,
        changed,
        ') AS v WHERE accounts.account_id = v.column1 AND accounts.last_position < v.column6',
      ),
    ];
  },
  async apply(sql, all) {
    const events = accountEvents(all);
    if (events.length === 0) return;
    const c = cast(sql.dialect);
    const created = events.flatMap((e) =>
      e.type === 'account_created' ? [[e.streamId, e.data.ownerId, e.data.currency, cents(e.data.initialBalance), true, e.timestamp, e.version, e.position, e.position]] : [],
    );
    await insertRows(
      sql,
      'INSERT INTO accounts (account_id, owner_id, currency, balance, is_active, created_at, version, opened_position, last_position)',
      '(?, ?, ?, ?, ?, ?, ?, ?, ?)',
      created,
    );
    const rows: unknown[][] = [];
    for (const [id, group] of await unseen(sql, 'accounts', events)) {
      let delta = 0n;
      let closed = 0;
      for (const e of group.events) {
        if (e.type === 'money_deposited') delta += cents(e.data.amount);
        else if (e.type === 'money_withdrawn') delta -= cents(e.data.amount);
        else if (e.type === 'account_closed') closed = 1;
      }
      const last = group.events[group.events.length - 1]!;
      rows.push([id, delta, last.version, last.position, closed, group.previous]);
    }
    await updateFromValues(
      sql,
      (values) =>
        `UPDATE accounts SET balance = accounts.balance + v.column2, version = v.column3, last_position = v.column4,
           is_active = CASE WHEN v.column5 = 1 THEN false ELSE accounts.is_active END
         FROM (VALUES ${values}) AS v
         WHERE accounts.account_id = v.column1 AND accounts.last_position = v.column6`,
      `(${c.text}, ${c.bigint}, ${c.int}, ${c.bigint}, ${c.int}, ${c.bigint})`,
      rows,
    );
  },
};

export const accountSummariesProjection: InlineProjection = {
  name: 'account_summaries',
  tables: ['account_summaries'],
  appendStatements(dialect, all) {
    const c = cast(dialect);
    const created: unknown[][] = [];
    const changed: unknown[][] = [];
    for (const [id, events] of byAccount(accountEvents(all))) {
      let deposits = 0n;
      let withdrawals = 0n;
      let count = 0;
      let opening: AccountRecord | undefined;
      for (const e of events) {
        if (e.type === 'account_created') opening = e;
        else if (e.type === 'money_deposited') {
          deposits += cents(e.data.amount);
          count++;
        } else if (e.type === 'money_withdrawn') {
          withdrawals += cents(e.data.amount);
          count++;
        }
      }
      const last = events[events.length - 1]!;
      if (opening) created.push([id, deposits, withdrawals, count, opening.timestamp, last.timestamp, last.position]);
      else changed.push([id, deposits, withdrawals, count, last.timestamp, last.position, events[0]!.position]);
    }
    return [
      ...valuesStatement(
        'INSERT INTO account_summaries (account_id, total_deposits, total_withdrawals, transaction_count, created_at, last_activity, last_position) VALUES',
        '(?, ?, ?, ?, ?, ?, ?)',
        created,
        'ON CONFLICT (account_id) DO NOTHING',
      ),
      ...valuesStatement(
        `UPDATE account_summaries SET total_deposits = account_summaries.total_deposits + v.column2,
           total_withdrawals = account_summaries.total_withdrawals + v.column3,
           transaction_count = account_summaries.transaction_count + v.column4,
           last_activity = v.column5, last_position = v.column6
         FROM (VALUES`,
        `(${c.text}, ${c.bigint}, ${c.bigint}, ${c.int}, ${c.timestamp}, ${c.bigint}, ${c.bigint})`,
        changed,
        ') AS v WHERE account_summaries.account_id = v.column1 AND account_summaries.last_position < v.column7',
      ),
    ];
  },
  async apply(sql, all) {
    const events = accountEvents(all);
    if (events.length === 0) return;
    const c = cast(sql.dialect);
    const created = events.flatMap((e) => (e.type === 'account_created' ? [[e.streamId, 0n, 0n, 0, e.timestamp, e.timestamp, e.position]] : []));
    await insertRows(
      sql,
      'INSERT INTO account_summaries (account_id, total_deposits, total_withdrawals, transaction_count, created_at, last_activity, last_position)',
      '(?, ?, ?, ?, ?, ?, ?)',
      created,
    );
    const rows: unknown[][] = [];
    for (const [id, group] of await unseen(sql, 'account_summaries', events)) {
      let deposits = 0n;
      let withdrawals = 0n;
      let count = 0;
      for (const e of group.events) {
        if (e.type === 'money_deposited') {
          deposits += cents(e.data.amount);
          count++;
        } else if (e.type === 'money_withdrawn') {
          withdrawals += cents(e.data.amount);
          count++;
        }
      }
      const last = group.events[group.events.length - 1]!;
      rows.push([id, deposits, withdrawals, count, last.timestamp, last.position, group.previous]);
    }
    await updateFromValues(
      sql,
      (values) =>
        `UPDATE account_summaries SET total_deposits = account_summaries.total_deposits + v.column2,
           total_withdrawals = account_summaries.total_withdrawals + v.column3,
           transaction_count = account_summaries.transaction_count + v.column4,
           last_activity = v.column5, last_position = v.column6
         FROM (VALUES ${values}) AS v
         WHERE account_summaries.account_id = v.column1 AND account_summaries.last_position = v.column7`,
      `(${c.text}, ${c.bigint}, ${c.bigint}, ${c.int}, ${c.timestamp}, ${c.bigint}, ${c.bigint})`,
      rows,
    );
  },
};
