import { assertNever, type DecideContext, type Decider, type Recorded } from '../domain/decider.js';
import { alreadyExists, badInput, notFound } from '../domain/errors.js';
import { accountClosed, insufficientFunds } from './errors.js';
import { formatMoney, parseMoney, type Cents } from '../domain/money.js';
import { AccountStreamType, type AccountEvent } from './events.js';

export type AccountState =
  | { readonly status: 'none' }
  | {
      readonly status: 'open' | 'closed';
      readonly id: string;
      readonly ownerId: string;
      readonly currency: string;
      readonly balance: Cents;
      readonly createdAt: Date;
    };

export type AccountCommand =
  | {
      type: 'OpenAccount';
      accountId: string;
      ownerId: string;
      /** Looked up by the command handler: deciding stays pure. */
      ownerRegistered: boolean;
      initialBalance: Cents;
      currency: string;
    }
  | { type: 'Deposit'; accountId: string; amount: Cents; description?: string | undefined; reference?: string | undefined }
  | { type: 'Withdraw'; accountId: string; amount: Cents; description?: string | undefined; reference?: string | undefined }
  | { type: 'CloseAccount'; accountId: string };

const CURRENCY = /^[A-Z]{3}$/;
const MAX_DESCRIPTION = 500;
/** Keeps every balance and total well inside 64-bit integer cents. */
export const MAX_AMOUNT: Cents = 1_000_000_000_000_00n;
/** The largest balance an account may reach. */
export const MAX_BALANCE: Cents = MAX_AMOUNT * 10n;

export function requireLive(state: AccountState, accountId: string) {
  if (state.status === 'none') throw notFound(`Account ${accountId} does not exist`, { accountId });
  if (state.status === 'closed') {
    throw accountClosed(`Account ${accountId} is closed`, { accountId });
  }
  return state;
}

export function requirePositive(amount: Cents): void {
  if (amount <= 0n) throw badInput('Amount must be greater than zero', { field: 'amount' });
  if (amount > MAX_AMOUNT) throw badInput(`Amount must not exceed ${formatMoney(MAX_AMOUNT)}`, { field: 'amount' });
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    throw badInput(`Description must be at most ${MAX_DESCRIPTION} characters`, { field: 'description' });
  }
}

const withDescription = (description: string | undefined) => (description === undefined ? {} : { description });

const MAX_REFERENCE = 140;

/** A payment reference: trimmed, 1 to 140 characters; none is null in the event. */
export function checkReference(reference: string | undefined): string | null {
  if (reference === undefined) return null;
  const trimmed = reference.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_REFERENCE) throw badInput(`Reference must be 1 to ${MAX_REFERENCE} characters`, { field: 'reference' });
  return trimmed;
}

function decide(command: AccountCommand, state: AccountState, _context: DecideContext): AccountEvent[] {
  switch (command.type) {
    case 'OpenAccount': {
      if (state.status !== 'none') throw alreadyExists(`Account ${command.accountId} already exists`, { accountId: command.accountId });
      if (!command.ownerRegistered) throw notFound(`User ${command.ownerId} does not exist`, { ownerId: command.ownerId });
      if (!CURRENCY.test(command.currency)) throw badInput('Currency must be three capital letters, like USD', { field: 'currency' });
      if (command.initialBalance < 0n) throw badInput('Initial balance must not be negative', { field: 'initialBalance' });
      if (command.initialBalance > MAX_AMOUNT) throw badInput(`Initial balance must not exceed ${formatMoney(MAX_AMOUNT)}`, { field: 'initialBalance' });
      return [
        {
          type: 'account_created',
          data: {
            accountId: command.accountId,
            ownerId: command.ownerId,
            currency: command.currency,
            initialBalance: formatMoney(command.initialBalance),
          },
        },
      ];
    }
    case 'Deposit': {
      requirePositive(command.amount);
      checkDescription(command.description);
      const reference = checkReference(command.reference);
      const account = requireLive(state, command.accountId);
      if (account.balance + command.amount > MAX_BALANCE) throw badInput('Balance would exceed the supported maximum', { field: 'amount' });
      return [
        {
          type: 'money_deposited',
          data: { accountId: command.accountId, amount: formatMoney(command.amount), reference, ...withDescription(command.description) },
        },
      ];
    }
    case 'Withdraw': {
      requirePositive(command.amount);
      checkDescription(command.description);
      const reference = checkReference(command.reference);
      const account = requireLive(state, command.accountId);
      if (command.amount > account.balance) {
        throw insufficientFunds(`Account ${command.accountId} has ${formatMoney(account.balance)}, less than ${formatMoney(command.amount)}`, {
          accountId: command.accountId,
          balance: formatMoney(account.balance),
          requested: formatMoney(command.amount),
        });
      }
      return [
        {
          type: 'money_withdrawn',
          data: { accountId: command.accountId, amount: formatMoney(command.amount), reference, ...withDescription(command.description) },
        },
      ];
    }
    case 'CloseAccount': {
      const account = requireLive(state, command.accountId);
      if (account.balance !== 0n) {
        throw badInput(`Account ${command.accountId} still holds ${formatMoney(account.balance)}; only an empty account can be closed`, {
          accountId: command.accountId,
          balance: formatMoney(account.balance),
        });
      }
      return [{ type: 'account_closed', data: { accountId: command.accountId } }];
    }
    default:
      return assertNever(command);
  }
}

/** Parses an amount stored in an event; a malformed one means a corrupt log, not bad input. */
export function storedAmount(text: string): Cents {
  const cents = parseMoney(text);
  if (cents === null) throw new Error(`Corrupt amount in the event log: ${text}`);
  return cents;
}

function evolve(state: AccountState, event: Recorded<AccountEvent>): AccountState {
  switch (event.type) {
    case 'account_created':
      return {
        status: 'open',
        id: event.data.accountId,
        ownerId: event.data.ownerId,
        currency: event.data.currency,
        balance: storedAmount(event.data.initialBalance),
        createdAt: event.timestamp,
      };
    case 'money_deposited':
      return state.status === 'none' ? state : { ...state, balance: state.balance + storedAmount(event.data.amount) };
    case 'money_withdrawn':
      return state.status === 'none' ? state : { ...state, balance: state.balance - storedAmount(event.data.amount) };
    case 'account_closed':
      return state.status === 'none' ? state : { ...state, status: 'closed' };
    case 'money_transferred_out':
      return state.status === 'none' ? state : { ...state, balance: state.balance - storedAmount(event.data.amount) };
    case 'money_transferred_in':
      return state.status === 'none' ? state : { ...state, balance: state.balance + storedAmount(event.data.amount) };
    default:
      // Unknown event types from newer code are skipped, not fatal.
      return state;
  }
}

type AccountSnapshot =
  | { status: 'none' }
  | { status: 'open' | 'closed'; id: string; ownerId: string; currency: string; balance: string; createdAt: string };

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  streamType: AccountStreamType,
  revision: 1,
  initialState: { status: 'none' },
  decide,
  evolve,
  toSnapshot(state): AccountSnapshot {
    if (state.status === 'none') return state;
    return { ...state, balance: formatMoney(state.balance), createdAt: state.createdAt.toISOString() };
  },
  fromSnapshot(json): AccountState {
    const snapshot = json as AccountSnapshot;
    if (snapshot.status === 'none') return snapshot;
    return { ...snapshot, balance: storedAmount(snapshot.balance), createdAt: new Date(snapshot.createdAt) };
  },
};
