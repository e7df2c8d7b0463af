/** Queries over the account read models. */
import { placeholders, toBigInt, toBoolean, toDate, toNumber } from '../eventstore/sql.js';
import type { SqlExecutor } from '../eventstore/types.js';
import type { Cents } from '../domain/money.js';

/** An account as the API shows it, whether read from a read model or replayed. */
export interface AccountView {
  readonly id: string;
  readonly ownerId: string;
  readonly balance: Cents;
  readonly currency: string;
  readonly isActive: boolean;
  readonly createdAt: Date | null;
  readonly version: number;
}

export interface AccountSummaryView {
  readonly accountId: string;
  readonly totalDeposits: Cents;
  readonly totalWithdrawals: Cents;
  readonly transactionCount: number;
  readonly createdAt: Date | null;
  readonly lastActivity: Date | null;
}

interface AccountRow {
  account_id: string;
  owner_id: string;
  currency: string;
  balance: unknown;
  is_active: unknown;
  created_at: unknown;
  version: unknown;
  opened_position: unknown;
}

const ACCOUNT_COLUMNS = 'account_id, owner_id, currency, balance, is_active, created_at, version, opened_position';

function toView(row: AccountRow): AccountView & { openedPosition: bigint } {
  return {
    id: row.account_id,
    ownerId: row.owner_id,
    currency: row.currency,
    balance: toBigInt(row.balance),
    isActive: toBoolean(row.is_active),
    createdAt: toDate(row.created_at),
    version: toNumber(row.version),
    openedPosition: toBigInt(row.opened_position),
  };
}

/** A page of accounts in opening order, optionally of one owner; fetches one extra row to tell whether more follow. */
export async function listAccounts(sql: SqlExecutor, options: { ownerId?: string | undefined; after: bigint; limit: number }) {
  const params: unknown[] = [options.after];
  let where = 'opened_position > ?';
  if (options.ownerId !== undefined) {
    where += ' AND owner_id = ?';
    params.push(options.ownerId);
  }
  params.push(options.limit + 1);
  const rows = await sql.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE ${where} ORDER BY opened_position LIMIT ?`, params);
  return { accounts: rows.slice(0, options.limit).map(toView), hasMore: rows.length > options.limit };
}

/** Every account of each owner, in opening order. */
export async function accountsOfOwners(sql: SqlExecutor, ownerIds: readonly string[]): Promise<AccountView[][]> {
  const rows = await sql.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE owner_id IN (${placeholders(ownerIds.length)}) ORDER BY opened_position`,
    ownerIds,
  );
  const byOwner = new Map<string, AccountView[]>(ownerIds.map((id) => [id, []]));
  for (const row of rows) byOwner.get(row.owner_id)?.push(toView(row));
  return ownerIds.map((id) => byOwner.get(id) ?? []);
}

interface SummaryRow {
  account_id: string;
  total_deposits: unknown;
  total_withdrawals: unknown;
  transaction_count: unknown;
  created_at: unknown;
  last_activity: unknown;
}

export async function accountSummary(sql: SqlExecutor, accountId: string): Promise<AccountSummaryView | null> {
  const [row] = await sql.query<SummaryRow>(
    'SELECT account_id, total_deposits, total_withdrawals, transaction_count, created_at, last_activity FROM account_summaries WHERE account_id = ?',
    [accountId],
  );
  if (!row) return null;
  return {
    accountId: row.account_id,
    totalDeposits: toBigInt(row.total_deposits),
    totalWithdrawals: toBigInt(row.total_withdrawals),
    transactionCount: toNumber(row.transaction_count),
    createdAt: row.created_at === null ? null : toDate(row.created_at),
    lastActivity: row.last_activity === null ? null : toDate(row.last_activity),
  };
}
