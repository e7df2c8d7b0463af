/** Account use cases: API input to decider commands, run through the command handler. */
import type { App } from '../app.js';
import { checkId, newStreamId, type CommandMeta } from '../commands/meta.js';
import type { CommandResult } from '../commands/handler.js';
import type { AcrossStreamsResult } from '../commands/across-streams.js';
import { decideTransfer } from './transfer.js';
import { isRegistered } from '../users/index.js';
import { accountDecider, type AccountState } from './decider.js';
import type { AccountView } from './read-model.js';

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
  const accountId = newStreamId(input.accountId, 'accountId', 'OpenAccount', meta);
  const ownerId = checkId(input.ownerId, 'ownerId');
  return app.commands.handle(
    app.repository(accountDecider),
    accountId,
    {
      type: 'OpenAccount',
      accountId,
      ownerId,
      ownerRegistered: await isRegistered(app, ownerId),
      initialBalance: input.initialBalance ?? 0n,
      currency: input.currency ?? 'USD',
    },
    // The fingerprint covers what the caller gave, not the owner lookup.
    { commandType: 'OpenAccount', ...meta, input: { accountId, ownerId, initialBalance: input.initialBalance ?? 0n, currency: input.currency ?? 'USD' } },
  );
}

type MoneyInput = { accountId: string; amount: bigint; description?: string | null; reference?: string | null };

/** Deposit and Withdraw differ only in their command type. */
function moveMoney(type: 'Deposit' | 'Withdraw', app: App, input: MoneyInput, meta: CommandMeta) {
  const accountId = checkId(input.accountId, 'accountId');
  return app.commands.handle(
    app.repository(accountDecider),
    accountId,
    { type, accountId, amount: input.amount, description: input.description ?? undefined, reference: input.reference ?? undefined },
    { commandType: type, ...meta },
  );
}

export const deposit = (app: App, input: MoneyInput, meta: CommandMeta) => moveMoney('Deposit', app, input, meta);
export const withdraw = (app: App, input: MoneyInput, meta: CommandMeta) => moveMoney('Withdraw', app, input, meta);

export function closeAccount(app: App, input: { accountId: string }, meta: CommandMeta) {
  const accountId = checkId(input.accountId, 'accountId');
  return app.commands.handle(app.repository(accountDecider), accountId, { type: 'CloseAccount', accountId }, { commandType: 'CloseAccount', ...meta });
}

export interface TransferInput {
  fromAccountId: string;
  toAccountId: string;
  amount: bigint;
  reference?: string | null;
  expectedVersions?: { from?: number | null; to?: number | null } | null;
}

/**
 * Moves money from one account to another in one transaction: [source,
 * destination] after it. The transfer id is random, or with a commandId
 * derived from it (like a new stream's id), so a repeat names the same one.
 */
export function transfer(app: App, input: TransferInput, meta: CommandMeta): Promise<AcrossStreamsResult<AccountState>> {
  const fromAccountId = checkId(input.fromAccountId, 'fromAccountId');
  const toAccountId = checkId(input.toAccountId, 'toAccountId');
  const transferId = newStreamId(null, 'transferId', 'Transfer', meta);
  const reference = input.reference ?? undefined;
  const command = { type: 'Transfer', transferId, fromAccountId, toAccountId, amount: input.amount, reference } as const;
  if (fromAccountId === toAccountId) decideTransfer(command, []); // the same account twice: refused before anything is loaded
  return app.commands.handleAcross(app.repository(accountDecider), [fromAccountId, toAccountId], (states) => decideTransfer(command, states), {
    commandType: 'Transfer',
    expectedVersions: [input.expectedVersions?.from, input.expectedVersions?.to],
    expectedVersionFields: ['expectedVersions.from', 'expectedVersions.to'],
    commandId: meta.commandId,
    ...(meta.context ? { context: meta.context } : {}),
    input: { fromAccountId, toAccountId, amount: input.amount, reference: reference ?? null },
  });
}
