/**
 * The account read models, kept inline with the append transaction:
 * - `accounts`: every account's current state, listed per owner;
 * - `account_summaries`: deposit, withdrawal and transfer totals and counts (the initial
 *   balance is not a transaction), each total exact as two limbs.
 *
 * A batch of events costs a fixed handful of statements, not one per event:
 * an account opened in the batch is inserted with its state after the whole
 * batch, and every other changed row is updated once by an
 * UPDATE ... FROM (VALUES ...), guarded by the row's last applied position
 * being below the batch's first event for it.
 *
 * On the append path every event is newer than any row, so the statements
 * need no read and travel with the batch's other writes (`appendStatements`).
 * Rebuilds and catch-up (`apply`) first read each row's last applied position
 * and drop the events at or below it, so applying an event twice, or a page
 * of the log again split any way, changes nothing.
 */
import { parseMoney } from '../domain/money.js';
import { placeholders, toBigInt, type Dialect } from '../eventstore/sql.js';
import type { InlineProjection, SqlExecutor, StoredEvent } from '../eventstore/types.js';
import { AccountStreamType, type AccountEvent } from './events.js';

type AccountRecord = StoredEvent & AccountEvent;
type Statement = { sql: string; params: unknown[] };
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
const cast = (dialect: Dialect) => ({
  text: 'CAST(? AS TEXT)',
  bigint: 'CAST(? AS BIGINT)',
  int: 'CAST(? AS INTEGER)',
  timestamp: dialect === 'postgresql' ? 'CAST(? AS TIMESTAMPTZ)' : '?',
});

/** Events of each account, in order. */
function byAccount(events: readonly AccountRecord[]): Map<string, AccountRecord[]> {
  const groups = new Map<string, AccountRecord[]>();
  for (const event of events) {
    const group = groups.get(event.streamId);
    if (group) group.push(event);
    else groups.set(event.streamId, [event]);
  }
  return groups;
}

/** `head (row), (row), ... tail` in chunks that stay under both databases' parameter limits. */
function valuesStatements(head: string, row: string, rows: readonly unknown[][], tail: string): Statement[] {
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    statements.push({ sql: `${head} ${chunk.map(() => row).join(', ')} ${tail}`, params: chunk.flat() });
  }
  return statements;
}

/** The events each existing row has not applied yet (rows that do not exist keep all theirs). */
async function unseen(sql: SqlExecutor, table: string, events: readonly AccountRecord[]): Promise<AccountRecord[]> {
  const ids = [...new Set(events.map((event) => event.streamId))];
  const applied = new Map<string, bigint>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const rows = await sql.query<{ account_id: string; last_position: unknown }>(
      `SELECT account_id, last_position FROM ${table} WHERE account_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const row of rows) applied.set(row.account_id, toBigInt(row.last_position));
  }
  return events.filter((event) => event.position > (applied.get(event.streamId) ?? -1n));
}

/** A projection from its statement builder: `apply` for any state of the table, `appendStatements` for fresh events. */
function projection(name: string, table: string, build: (dialect: Dialect, events: Map<string, AccountRecord[]>) => Statement[]): InlineProjection {
  return {
    name,
    tables: [table],
    appendStatements: (dialect, events) => build(dialect, byAccount(accountEvents(events))),
    async apply(sql, events) {
      const fresh = await unseen(sql, table, accountEvents(events));
      for (const statement of build(sql.dialect, byAccount(fresh))) await sql.execute(statement.sql, statement.params);
    },
  };
}

export const accountsProjection = projection('accounts', 'accounts', (dialect, accounts) => {
  const c = cast(dialect);
  const created: unknown[][] = [];
  const changed: unknown[][] = [];
  for (const [id, events] of accounts) {
    let delta = 0n;
    let closed = 0;
    let opening: Extract<AccountRecord, { type: 'account_created' }> | undefined;
    for (const e of events) {
      if (e.type === 'account_created') opening = e;
      else if (e.type === 'money_deposited') delta += cents(e.data.amount);
      else if (e.type === 'money_withdrawn' || e.type === 'money_transferred_out') delta -= cents(e.data.amount);
      else if (e.type === 'money_transferred_in') delta += cents(e.data.amount);
      else if (e.type === 'account_closed') closed = 1;
    }
    const last = events[events.length - 1]!;
    if (opening) {
      const d = opening.data;
      created.push([id, d.ownerId, d.currency, cents(d.initialBalance) + delta, closed === 0, opening.timestamp, last.version, opening.position, last.position]);
    } else {
      changed.push([id, delta, last.version, last.position, closed, events[0]!.position]);
    }
  }
  return [
    ...valuesStatements(
      'INSERT INTO accounts (account_id, owner_id, currency, balance, is_active, created_at, version, opened_position, last_position) VALUES',
      '(?, ?, ?, ?, ?, ?, ?, ?, ?)',
      created,
      'ON CONFLICT (account_id) DO NOTHING',
    ),
    ...valuesStatements(
      `UPDATE accounts SET balance = accounts.balance + v.column2, version = v.column3, last_position = v.column4,
         is_active = CASE WHEN v.column5 = 1 THEN false ELSE accounts.is_active END
       FROM (VALUES`,
      `(${c.text}, ${c.bigint}, ${c.int}, ${c.bigint}, ${c.int}, ${c.bigint})`,
      changed,
      ') AS v WHERE accounts.account_id = v.column1 AND accounts.last_position < v.column6',
    ),
  ];
});

/**
 * Summary totals are unbounded (deposits and withdrawals add up forever while
 * the balance stays bounded), so each is kept exactly as two 64-bit limbs:
 * total = hi * LIMB + lo, with lo in [0, LIMB). The UPDATE carries lo over in
 * SQL (% and /), so it still needs no read, and neither limb can overflow:
 * lo + a batch's lo stays below 2 * LIMB, and hi grows by at most a few per
 * 10^18 cents.
 */
export const LIMB = 1_000_000_000_000_000_000n;

/** A total as its limbs [lo, hi]. */
export function toLimbs(total: bigint): [bigint, bigint] {
  return [total % LIMB, total / LIMB];
}

/** The exact total from its limbs. */
export function fromLimbs(lo: bigint, hi: bigint): bigint {
  return hi * LIMB + lo;
}

/** `column = lo limb of (column + delta)`, `column_hi = hi limb + carry`, against the row as it was. */
function addLimbs(column: string, lo: string, hi: string): string {
  const sum = `(account_summaries.${column} + ${lo})`;
  return `${column} = ${sum} % ${LIMB}, ${column}_hi = account_summaries.${column}_hi + ${hi} + ${sum} / ${LIMB}`;
}

export const accountSummariesProjection = projection('account_summaries', 'account_summaries', (dialect, accounts) => {
  const c = cast(dialect);
  const created: unknown[][] = [];
  const changed: unknown[][] = [];
  for (const [id, events] of accounts) {
    let deposits = 0n;
    let withdrawals = 0n;
    let transfersIn = 0n;
    let transfersOut = 0n;
    let count = 0;
    let opening: AccountRecord | undefined;
    for (const e of events) {
      if (e.type === 'account_created') opening = e;
      else if (e.type === 'money_deposited') deposits += cents(e.data.amount);
      else if (e.type === 'money_withdrawn') withdrawals += cents(e.data.amount);
      else if (e.type === 'money_transferred_in') transfersIn += cents(e.data.amount);
      else if (e.type === 'money_transferred_out') transfersOut += cents(e.data.amount);
      else continue;
      if (e.type !== 'account_created') count++;
    }
    const last = events[events.length - 1]!;
    const totals = [...toLimbs(deposits), ...toLimbs(withdrawals), ...toLimbs(transfersIn), ...toLimbs(transfersOut)];
    if (opening) created.push([id, ...totals, count, opening.timestamp, last.timestamp, last.position]);
    else changed.push([id, ...totals, count, last.timestamp, last.position, events[0]!.position]);
  }
  return [
    ...valuesStatements(
      `INSERT INTO account_summaries (account_id, total_deposits, total_deposits_hi, total_withdrawals, total_withdrawals_hi,
         total_transfers_in, total_transfers_in_hi, total_transfers_out, total_transfers_out_hi, transaction_count, created_at, last_activity, last_position) VALUES`,
      '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      created,
      'ON CONFLICT (account_id) DO NOTHING',
    ),
    ...valuesStatements(
      `UPDATE account_summaries SET ${addLimbs('total_deposits', 'v.column2', 'v.column3')},
         ${addLimbs('total_withdrawals', 'v.column4', 'v.column5')},
         ${addLimbs('total_transfers_in', 'v.column6', 'v.column7')},
         ${addLimbs('total_transfers_out', 'v.column8', 'v.column9')},
         transaction_count = account_summaries.transaction_count + v.column10,
         last_activity = v.column11, last_position = v.column12
       FROM (VALUES`,
      `(${c.text}, ${c.bigint}, ${c.bigint}, ${c.bigint}, ${c.bigint}, ${c.bigint}, ${c.bigint}, ${c.bigint}, ${c.bigint}, ${c.int}, ${c.timestamp}, ${c.bigint}, ${c.bigint})`,
      changed,
      ') AS v WHERE account_summaries.account_id = v.column1 AND account_summaries.last_position < v.column13',
    ),
  ];
});
