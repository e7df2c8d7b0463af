/**
 * A transfer between two accounts, decided on both accounts' states at once
 * (pure, no I/O): money_transferred_out on the source and
 * money_transferred_in on the destination, appended together or not at all
 * by the command handler's multi-stream path.
 *
 * Refusals say nothing of the destination beyond what the rules need (it
 * exists, is open, holds the same currency, can take the amount): never its
 * balance or owner.
 */
import type { DecideContext } from '../domain/decider.js';
import { badInput, notFound } from '../domain/errors.js';
import { formatMoney, type Cents } from '../domain/money.js';
import { accountClosed, insufficientFunds } from './errors.js';
import { MAX_BALANCE, checkReference, requireLive, requirePositive, type AccountState } from './decider.js';
import type { AccountEvent } from './events.js';

export interface TransferCommand {
  readonly type: 'Transfer';
  readonly transferId: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: Cents;
  readonly reference?: string | undefined;
}

/** The events for [source, destination], in that order. */
export function decideTransfer(command: TransferCommand, [from, to]: readonly AccountState[], _context?: DecideContext): [AccountEvent[], AccountEvent[]] {
  requirePositive(command.amount);
  if (command.fromAccountId === command.toAccountId) throw badInput('A transfer needs two different accounts', { field: 'toAccountId' });
  const reference = checkReference(command.reference);
  const source = requireLive(from ?? { status: 'none' }, command.fromAccountId);
  const destination = to ?? { status: 'none' };
  if (destination.status === 'none') throw notFound(`Account ${command.toAccountId} does not exist`, { accountId: command.toAccountId });
  if (destination.status === 'closed') throw accountClosed(`Account ${command.toAccountId} is closed`, { accountId: command.toAccountId });
  if (destination.currency !== source.currency) {
    throw badInput(`Account ${command.toAccountId} does not hold ${source.currency}: a transfer moves money between accounts of one currency`, { field: 'toAccountId' });
  }
  if (command.amount > source.balance) {
    throw insufficientFunds(`Account ${command.fromAccountId} has ${formatMoney(source.balance)}, less than ${formatMoney(command.amount)}`, {
      accountId: command.fromAccountId,
      balance: formatMoney(source.balance),
      requested: formatMoney(command.amount),
    });
  }
  if (destination.balance + command.amount > MAX_BALANCE) throw badInput('The destination account cannot take this amount', { field: 'amount' });
  const data = { transferId: command.transferId, fromAccountId: command.fromAccountId, toAccountId: command.toAccountId, amount: formatMoney(command.amount), reference };
  return [[{ type: 'money_transferred_out', data }], [{ type: 'money_transferred_in', data }]];
}
