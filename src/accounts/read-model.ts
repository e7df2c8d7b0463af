/** Queries over the account read models: Prisma Client's typed model API, and one raw query for pages of several owners. */
import type { App } from '../app.js';
import type { Cents } from '../domain/money.js';
import type { ReadClient } from '../eventstore/prisma-store.js';
import { toBigInt, toBoolean, toDate, toNumber } from '../eventstore/sql.js';
import { fromLimbs } from './projections.js';

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

export type ListedAccount = AccountView & { readonly openedPosition: bigint };

export interface AccountSummaryView {
  readonly accountId: string;
  readonly totalDeposits: Cents;
  readonly totalWithdrawals: Cents;
  readonly totalTransfersIn: Cents;
  readonly totalTransfersOut: Cents;
  readonly transactionCount: number;
  readonly createdAt: Date | null;
  readonly lastActivity: Date | null;
}

type AccountRow = Awaited<ReturnType<ReadClient['accountReadModel']['findMany']>>[number];

function toView(row: AccountRow): ListedAccount {
  return {
    id: row.accountId,
    ownerId: row.ownerId,
    currency: row.currency,
    balance: row.balance,
    isActive: row.isActive,
    createdAt: row.createdAt,
    version: row.version,
    openedPosition: row.openedPosition,
  };
}

/** A page of accounts in opening order, optionally of one owner; fetches one extra row to tell whether more follow. */
export async function listAccounts(client: ReadClient, options: { ownerId?: string | undefined; after: bigint; limit: number }) {
  const rows = await client.accountReadModel.findMany({
    where: { openedPosition: { gt: options.after }, ...(options.ownerId === undefined ? {} : { ownerId: options.ownerId }) },
    orderBy: { openedPosition: 'asc' },
    take: options.limit + 1,
  });
  return { accounts: rows.slice(0, options.limit).map(toView), hasMore: rows.length > options.limit };
}

export interface OwnerPageRequest {
  readonly ownerId: string;
  readonly after: bigint;
  /** Rows to read (the page size plus one, to tell whether more follow). */
  readonly limit: number;
}

/** Pages of several owners' accounts in one query: one bounded index seek (owner_id, opened_position) per owner. */
export async function accountPagesOfOwners(app: App, requests: readonly OwnerPageRequest[]): Promise<ListedAccount[][]> {
  const pages: ListedAccount[][] = requests.map(() => []);
  const CHUNK = 100;
  for (let start = 0; start < requests.length; start += CHUNK) {
    const chunk = requests.slice(start, start + CHUNK);
    const selects = chunk.map(
      (_, i) =>
        `SELECT * FROM (SELECT ${i} AS request, account_id, owner_id, currency, balance, is_active, created_at, version, opened_position FROM accounts
          WHERE owner_id = ? AND opened_position > ? ORDER BY opened_position LIMIT ?) AS p${i}`,
    );
    const rows = await app.store.reader.query<Record<string, unknown>>(
      selects.join(' UNION ALL '),
      chunk.flatMap((request) => [request.ownerId, request.after, request.limit]),
    );
    for (const row of rows) {
      pages[start + toNumber(row.request)]!.push({
        id: String(row.account_id),
        ownerId: String(row.owner_id),
        currency: String(row.currency),
        balance: toBigInt(row.balance),
        isActive: toBoolean(row.is_active),
        createdAt: toDate(row.created_at),
        version: toNumber(row.version),
        openedPosition: toBigInt(row.opened_position),
      });
    }
  }
  for (const page of pages) page.sort((a, b) => (a.openedPosition < b.openedPosition ? -1 : a.openedPosition > b.openedPosition ? 1 : 0));
  return pages;
}

export async function accountSummary(client: ReadClient, accountId: string): Promise<AccountSummaryView | null> {
  const row = await client.accountSummary.findUnique({ where: { accountId } });
  if (!row) return null;
  const { accountId: id, transactionCount, createdAt, lastActivity } = row;
  // Totals are stored as two limbs (see projections.ts).
  const totalDeposits = fromLimbs(row.totalDeposits, row.totalDepositsHi);
  return {
    accountId: id,
    totalDeposits,
    totalWithdrawals: fromLimbs(row.totalWithdrawals, row.totalWithdrawalsHi),
    totalTransfersIn: fromLimbs(row.totalTransfersIn, row.totalTransfersInHi),
    totalTransfersOut: fromLimbs(row.totalTransfersOut, row.totalTransfersOutHi),
    transactionCount,
    createdAt,
    lastActivity,
  };
}

/** The owner of each account id (undefined for an id that is not an account), in one query. */
export async function ownersOfAccounts(client: ReadClient, accountIds: readonly string[]): Promise<Array<string | undefined>> {
  const rows = await client.accountReadModel.findMany({ where: { accountId: { in: [...accountIds] } }, select: { accountId: true, ownerId: true } });
  const owners = new Map(rows.map((row) => [row.accountId, row.ownerId]));
  return accountIds.map((id) => owners.get(id));
}
