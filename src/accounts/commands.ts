/** Account use cases: turn API input into decider commands and run them. */
import { randomUUID } from 'node:crypto';
import type { App } from '../app.js';
import type { CommandContext, CommandResult } from '../commands/handler.js';
import { badInput } from '../domain/errors.js';
import type { AccountState } from './decider.js';
import type { AccountView } from './read-model.js';

export interface CommandMeta {
  readonly expectedVersion?: number | null | undefined;
  readonly commandId?: string | null | undefined;
  readonly context?: CommandContext;
}

const MAX_ID = 200;

/** Ids are free text of 1 to 200 characters; a missing one is generated. */
export function checkId(id: string | null | undefined, field: string): string {
  if (id === null || id === undefined) return randomUUID();
  if (id.length === 0 || id.length > MAX_ID) throw badInput(`${field} must be 1 to ${MAX_ID} characters`, { field });
  return id;
}

export function accountView(state: AccountState, version: number): AccountView | null {
  if (state.status === 'none') return null;
  return {
    id: state.id,
    ownerId: state.ownerId,
    balance: state.balance,
    currency: state.currency,
    isActive: state.status === 'open',
    createdAt: state.createdAt,
    version,
  };
}

export async function openAccount(
  app: App,
  input: { accountId?: string | null; ownerId: string; initialBalance?: bigint | null; currency?: string | null },
  meta: CommandMeta,
): Promise<CommandResult<AccountState>> {
  const accountId = checkId(input.accountId, 'accountId');
  const ownerId = checkId(input.ownerId, 'ownerId');
  const owner = await app.users.load(ownerId);
  return app.commands.handle(
    app.accounts,
    accountId,
    {
      type: 'OpenAccount',
      accountId,
      ownerId,
      ownerRegistered: owner.state.status === 'registered' && !owner.foreignType,
      initialBalance: input.initialBalance ?? 0n,
      currency: input.currency ?? 'USD',
    },
    { commandType: 'OpenAccount', ...meta },
  );
}

type MoneyInput = { accountId: string; amount: bigint; description?: string | null };

/** Deposit and Withdraw differ only in their command type. */
function moveMoney(type: 'Deposit' | 'Withdraw', app: App, input: MoneyInput, meta: CommandMeta) {
  const accountId = checkId(input.accountId, 'accountId');
  return app.commands.handle(
    app.accounts,
    accountId,
    { type, accountId, amount: input.amount, description: input.description ?? undefined },
    { commandType: type, ...meta },
  );
}

export const deposit = (app: App, input: MoneyInput, meta: CommandMeta) => moveMoney('Deposit', app, input, meta);
export const withdraw = (app: App, input: MoneyInput, meta: CommandMeta) => moveMoney('Withdraw', app, input, meta);

export function closeAccount(app: App, input: { accountId: string }, meta: CommandMeta) {
  const accountId = checkId(input.accountId, 'accountId');
  return app.commands.handle(app.accounts, accountId, { type: 'CloseAccount', accountId }, { commandType: 'CloseAccount', ...meta });
}
