/** Events of the BankAccount stream, with the schema of each. Amounts are decimal text with two fraction digits. */
import { z } from 'zod';
import { defineEvent, type EventOf } from '../domain/event-types.js';

export const AccountStreamType = 'BankAccount';

const Id = z.string().min(1).max(200);
const Amount = z.string().regex(/^\d{1,16}\.\d{2}$/, 'must be a non-negative decimal amount with two fraction digits');
const Description = z.string().max(500);

export const AccountCreated = defineEvent({
  type: 'account_created',
  streamType: AccountStreamType,
  description: 'An account was opened for a registered user, with an opening balance.',
  schema: z.strictObject({ accountId: Id, ownerId: Id, currency: z.string().regex(/^[A-Z]{3}$/, 'must be three capital letters'), initialBalance: Amount }),
});

/** A payment reference (an invoice number, an order id): null when none was given. */
const Reference = z.string().min(1).max(140).nullable();

/**
 * Version 2 added `reference`. Events written at version 1 had none: they
 * read with `reference: null` (a version 1 event never holds the key, so the
 * upcaster never overwrites one).
 */
const addReference = (v1: { [key: string]: unknown }) => ({ reference: null, ...v1 });

export const MoneyDeposited = defineEvent({
  type: 'money_deposited',
  streamType: AccountStreamType,
  description: 'Money was paid into the account, with an optional payment reference.',
  schema: z.strictObject({ accountId: Id, amount: Amount, reference: Reference, description: Description.optional() }),
  upcasters: [addReference],
});

export const MoneyWithdrawn = defineEvent({
  type: 'money_withdrawn',
  streamType: AccountStreamType,
  description: 'Money was taken out of the account (never below zero), with an optional payment reference.',
  schema: z.strictObject({ accountId: Id, amount: Amount, reference: Reference, description: Description.optional() }),
  upcasters: [addReference],
});

export const AccountClosed = defineEvent({
  type: 'account_closed',
  streamType: AccountStreamType,
  description: 'The account was closed with a zero balance; it takes no more commands.',
  schema: z.strictObject({ accountId: Id }),
});

/** What both halves of a transfer carry: the transfer's id, both accounts and the amount. */
const TransferData = z.strictObject({ transferId: Id, fromAccountId: Id, toAccountId: Id, amount: Amount, reference: Reference });

export const MoneyTransferredOut = defineEvent({
  type: 'money_transferred_out',
  streamType: AccountStreamType,
  description:
    'Money left the account for another account of the same currency (never below zero). Appended in one transaction with its money_transferred_in on the destination.',
  schema: TransferData,
});

export const MoneyTransferredIn = defineEvent({
  type: 'money_transferred_in',
  streamType: AccountStreamType,
  description: 'Money arrived from another account. Appended in one transaction with its money_transferred_out on the source, at the next position.',
  schema: TransferData,
});

export const accountEvents = [AccountCreated, MoneyDeposited, MoneyWithdrawn, AccountClosed, MoneyTransferredOut, MoneyTransferredIn] as const;

export type AccountEvent = EventOf<(typeof accountEvents)[number]>;
export type AccountEventType = AccountEvent['type'];
