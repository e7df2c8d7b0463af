/**
 * The account read models, kept inline with the append transaction:
 * - `accounts`: every account's current state, listed per owner;
 * - `account_summaries`: deposit/withdrawal totals and counts (the initial
 *   balance is not a transaction).
 * Each row remembers the last position applied to it; an event at or below
 * that position changes nothing, so applying an event twice is harmless.
 */
import { parseMoney } from '../domain/money.js';
import type { InlineProjection, SqlExecutor, StoredEvent } from '../eventstore/types.js';
import { AccountStreamType, type AccountEvent } from './events.js';

function cents(text: string): bigint {
  const value = parseMoney(text);
  if (value === null) throw new Error(`Corrupt amount in the event log: ${text}`);
  return value;
}

function accountEvents(events: readonly StoredEvent[]) {
  return events.filter((event) => event.streamType === AccountStreamType) as unknown as ReadonlyArray<StoredEvent & AccountEvent>;
}

export const accountsProjection: InlineProjection = {
  name: 'accounts',
  tables: ['accounts'],
  async apply(sql: SqlExecutor, events) {
    for (const event of accountEvents(events)) {
      const guard = [event.streamId, event.position];
      switch (event.type) {
        case 'account_created':
          await sql.execute(
            `INSERT INTO accounts (account_id, owner_id, currency, balance, is_active, created_at, version, opened_position, last_position)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO NOTHING`,
            [event.streamId, event.data.ownerId, event.data.currency, cents(event.data.initialBalance), true, event.timestamp, event.version, event.position, event.position],
          );
          break;
        case 'money_deposited':
        case 'money_withdrawn': {
          const delta = event.type === 'money_deposited' ? cents(event.data.amount) : -cents(event.data.amount);
          await sql.execute('UPDATE accounts SET balance = balance + ?, version = ?, last_position = ? WHERE account_id = ? AND last_position < ?', [
            delta,
            event.version,
            event.position,
            ...guard,
          ]);
          break;
        }
        case 'account_closed':
          await sql.execute('UPDATE accounts SET is_active = ?, version = ?, last_position = ? WHERE account_id = ? AND last_position < ?', [
            false,
            event.version,
            event.position,
            ...guard,
          ]);
          break;
      }
    }
  },
};

export const accountSummariesProjection: InlineProjection = {
  name: 'account_summaries',
  tables: ['account_summaries'],
  async apply(sql: SqlExecutor, events) {
    for (const event of accountEvents(events)) {
      const guard = [event.streamId, event.position];
      switch (event.type) {
        case 'account_created':
          await sql.execute(
            `INSERT INTO account_summaries (account_id, total_deposits, total_withdrawals, transaction_count, created_at, last_activity, last_position)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO NOTHING`,
            [event.streamId, 0n, 0n, 0, event.timestamp, event.timestamp, event.position],
          );
          break;
        case 'money_deposited':
          await sql.execute(
            'UPDATE account_summaries SET total_deposits = total_deposits + ?, transaction_count = transaction_count + 1, last_activity = ?, last_position = ? WHERE account_id = ? AND last_position < ?',
            [cents(event.data.amount), event.timestamp, event.position, ...guard],
          );
          break;
        case 'money_withdrawn':
          await sql.execute(
            'UPDATE account_summaries SET total_withdrawals = total_withdrawals + ?, transaction_count = transaction_count + 1, last_activity = ?, last_position = ? WHERE account_id = ? AND last_position < ?',
            [cents(event.data.amount), event.timestamp, event.position, ...guard],
          );
          break;
        case 'account_closed':
          await sql.execute('UPDATE account_summaries SET last_activity = ?, last_position = ? WHERE account_id = ? AND last_position < ?', [
            event.timestamp,
            event.position,
            ...guard,
          ]);
          break;
      }
    }
  },
};
