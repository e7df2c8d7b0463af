/**
 * An account's statement for a period, computed from the log: the balance at
 * the period's start by time travel (the newest snapshot at or below it plus
 * the events after), then the period's events folded one by one for the
 * running balance. A page starts at a version, so it costs one time travel
 * and one read of the page's events, however long the stream.
 *
 * The period is inclusive at both ends; event timestamps are whole
 * milliseconds, so "just before `from`" is `from` minus one millisecond.
 */
import type { App } from '../app.js';
import { badInput } from '../domain/errors.js';
import type { Recorded } from '../domain/decider.js';
import { parseMoney, type Cents } from '../domain/money.js';
import type { StoredEvent } from '../eventstore/types.js';
import { pageSize, parseCursor, toPage, type Page } from '../graphql/pagination.js';
import { accountDecider, type AccountState } from './decider.js';
import type { AccountEvent } from './events.js';

export type MovementDirection = 'IN' | 'OUT' | 'NONE';

export interface Movement {
  readonly direction: MovementDirection;
  readonly amount: Cents;
  readonly reference: string | null;
  readonly transferId: string | null;
  readonly counterpartyAccountId: string | null;
}

export interface StatementLine extends Movement {
  readonly event: StoredEvent;
  /** The balance right after the event. */
  readonly balance: Cents;
}

export interface StatementView extends Page<StatementLine> {
  readonly accountId: string;
  readonly from: Date | null;
  readonly to: Date | null;
  readonly openingBalance: Cents;
  readonly closingBalance: Cents;
  readonly openingVersion: number;
  readonly closingVersion: number;
}

const amountOf = (text: string): Cents => parseMoney(text) ?? 0n;
const none = { reference: null, transferId: null, counterpartyAccountId: null };

/** How one event of an account moved its balance. */
export function movementOf(stored: StoredEvent): Movement {
  const event = stored as unknown as AccountEvent;
  switch (event.type) {
    case 'account_created':
      return { ...none, direction: 'IN', amount: amountOf(event.data.initialBalance) };
    case 'money_deposited':
      return { ...none, direction: 'IN', amount: amountOf(event.data.amount), reference: event.data.reference };
    case 'money_withdrawn':
      return { ...none, direction: 'OUT', amount: amountOf(event.data.amount), reference: event.data.reference };
    case 'money_transferred_out':
      return { direction: 'OUT', amount: amountOf(event.data.amount), reference: event.data.reference, transferId: event.data.transferId, counterpartyAccountId: event.data.toAccountId };
    case 'money_transferred_in':
      return { direction: 'IN', amount: amountOf(event.data.amount), reference: event.data.reference, transferId: event.data.transferId, counterpartyAccountId: event.data.fromAccountId };
    default:
      return { ...none, direction: 'NONE', amount: 0n };
  }
}

const balanceOf = (state: AccountState): Cents => (state.status === 'none' ? 0n : state.balance);

/**
 * The statement of account `accountId` as of its version `atVersion` (the
 * state the query asked for), for the period [from, to], a page of lines.
 */
export async function accountStatement(
  app: App,
  accountId: string,
  atVersion: number,
  args: { from?: Date | null; to?: Date | null; first?: number | null; after?: string | null },
): Promise<StatementView> {
  const from = args.from ?? null;
  const to = args.to ?? null;
  if (from && to && to.getTime() < from.getTime()) throw badInput('to must not be before from', { field: 'to' });
  const limit = pageSize(args.first, app.config);
  const after = parseCursor(args.after);
  const repository = app.repository(accountDecider);
  const versionAt = async (time: Date) => Math.min(await app.store.streamVersion(accountId, time), atVersion);
  const closingVersion = to ? await versionAt(to) : atVersion;
  const openingVersion = from ? Math.min(await versionAt(new Date(from.getTime() - 1)), closingVersion) : 0;
  const stateAt = async (version: number): Promise<AccountState> =>
    version === 0 ? accountDecider.initialState : ((await repository.loadAt(accountId, { version }))?.state ?? accountDecider.initialState);

  const start = Number(after > BigInt(openingVersion) ? (after < BigInt(closingVersion) ? after : BigInt(closingVersion)) : BigInt(openingVersion));
  const [opening, closing] = await Promise.all([stateAt(openingVersion), stateAt(closingVersion)]);
  let state = start === openingVersion ? opening : await stateAt(start);
  const end = Math.min(start + limit, closingVersion);
  const events = end > start ? await app.store.readStream(accountId, { afterVersion: start, toVersion: end }) : [];
  const lines = events.map((event) => {
    state = accountDecider.evolve(state, event as unknown as Recorded<AccountEvent>);
    return { ...movementOf(event), event, balance: balanceOf(state) };
  });
  return {
    accountId,
    from,
    to,
    openingBalance: balanceOf(opening),
    closingBalance: balanceOf(closing),
    openingVersion,
    closingVersion,
    ...toPage(lines, end < closingVersion, (line) => BigInt(line.event.version), start > openingVersion),
  };
}
