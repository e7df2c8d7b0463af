/** Queries over the account read models, through Prisma Client's typed model API. */
import type { ReadClient } from '../eventstore/prisma-store.js';
import type { Cents } from '../domain/money.js';
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

export interface AccountSummaryView {
  readonly accountId: string;
  readonly totalDeposits: Cents;
  readonly totalWithdrawals: Cents;
  readonly transactionCount: number;
  readonly createdAt: Date | null;
  readonly lastActivity: Date | null;
}

type AccountRow = Awaited<ReturnType<ReadClient['accountReadModel']['findMany']>>[number];

function toView(row: AccountRow): AccountView & { openedPosition: bigint } {
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

/** Every account of each owner, in opening order, in one query. */
export async function accountsOfOwners(client: ReadClient, ownerIds: readonly string[]): Promise<AccountView[][]> {
  const rows = await client.accountReadModel.findMany({ where: { ownerId: { in: [...ownerIds] } }, orderBy: { openedPosition: 'asc' } });
  const byOwner = new Map<string, AccountView[]>(ownerIds.map((id) => [id, []]));
  for (const row of rows) byOwner.get(row.ownerId)?.push(toView(row));
  return ownerIds.map((id) => byOwner.get(id) ?? []);
}

export async function accountSummary(client: ReadClient, accountId: string): Promise<AccountSummaryView | null> {
  const row = await client.accountSummary.findUnique({ where: { accountId } });
  if (!row) return null;
  const { accountId: id, transactionCount, createdAt, lastActivity } = row;
  // Totals are stored as two limbs (see projections.ts).
  const totalDeposits = fromLimbs(row.totalDeposits, row.totalDepositsHi);
  return { accountId: id, totalDeposits, totalWithdrawals: fromLimbs(row.totalWithdrawals, row.totalWithdrawalsHi), transactionCount, createdAt, lastActivity };
}

/** The owner of each account id (null for an unknown id), in one query. */
export async function ownersOfAccounts(client: ReadClient, accountIds: readonly string[]): Promise<Array<string | null>> {
  const rows = await client.accountReadModel.findMany({ where: { accountId: { in: [...accountIds] } }, select: { accountId: true, ownerId: true } });
  const owners = new Map(rows.map((row) => [row.accountId, row.ownerId]));
  return accountIds.map((id) => owners.get(id) ?? null);
}
