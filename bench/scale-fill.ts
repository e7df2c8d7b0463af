/**
 * Fills a log for the scale runs with events shaped as the API writes them:
 * accounts with UUID ids opened for users (1 user per 50 accounts), then
 * deposits and the odd withdrawal carrying a payment reference now and then,
 * each with the metadata a command leaves (correlation, causation, user).
 * Plus one long account stream written first (time travel probes it, with a
 * snapshot every 100 events, as the command handler would write them).
 */
import { randomUUID } from 'node:crypto';
import type { App } from '../src/app.js';
import { accountDecider, type AccountState } from '../src/accounts/decider.js';
import type { AccountEvent } from '../src/accounts/events.js';
import type { Recorded } from '../src/domain/decider.js';
import type { NewEvent, StoredEvent } from '../src/eventstore/types.js';

export const LONG_STREAM = 'scale-long-stream';
const ACCOUNTS = 2_000;
const PER_APPEND = 50;

interface Account {
  id: string;
  owner: string;
  version: number;
}

const metadata = (userId: string) => ({ correlationId: randomUUID(), causationId: randomUUID(), userId });

function movement(account: Account, n: number): NewEvent {
  const reference = n % 10 === 0 ? `INV-${n}` : null;
  if (n % 17 === 0) return { type: 'money_withdrawn', data: { accountId: account.id, amount: '3.50', reference }, metadata: metadata(account.owner) };
  return { type: 'money_deposited', data: { accountId: account.id, amount: '12.34', reference }, metadata: metadata(account.owner) };
}

export class ScaleLog {
  private accounts: Account[] = [];
  private users: Array<{ id: string; version: number }> = [];
  private next = 0;
  private counter = 0;

  constructor(private readonly app: App) {}

  /** The long stream (`length` events, snapshots every 100) and the accounts with their owners. */
  async start(length: number): Promise<void> {
    const owner = randomUUID();
    await this.app.store.append({ streamId: owner, streamType: 'User', expectedVersion: 'no_stream', events: [{ type: 'user_registered', data: { userId: owner, email: 'long@example.com', name: 'Long' }, metadata: metadata(owner) }] });
    const long: Account = { id: LONG_STREAM, owner, version: 0 };
    let state: AccountState = accountDecider.initialState;
    while (long.version < length) {
      const events: NewEvent[] = Array.from({ length: Math.min(500, length - long.version) }, (_, i) =>
        long.version + i === 0
          ? { type: 'account_created', data: { accountId: long.id, ownerId: owner, currency: 'USD', initialBalance: '0.00' }, metadata: metadata(owner) }
          : movement(long, ++this.counter),
      );
      const result = await this.app.store.append({ streamId: long.id, streamType: 'BankAccount', expectedVersion: long.version, events });
      if (result.status !== 'appended') throw new Error(`long stream: ${result.status}`);
      for (const event of result.events) {
        state = accountDecider.evolve(state, event as unknown as Recorded<AccountEvent>);
        if (event.version % 100 === 0) {
          await this.app.store.writeSnapshot({ streamId: long.id, streamType: 'BankAccount', version: event.version, revision: accountDecider.revision, state: accountDecider.toSnapshot(state) });
        }
      }
      long.version = result.version;
    }
    for (let i = 0; i < ACCOUNTS; i += 50) {
      const user = randomUUID();
      await this.app.store.append({ streamId: user, streamType: 'User', expectedVersion: 'no_stream', events: [{ type: 'user_registered', data: { userId: user, email: `${user}@example.com`, name: 'Scale' }, metadata: metadata(user) }] });
      this.users.push({ id: user, version: 1 });
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const account: Account = { id: randomUUID(), owner: user, version: 0 };
          const opened = { type: 'account_created', data: { accountId: account.id, ownerId: user, currency: 'USD', initialBalance: '100.00' }, metadata: metadata(user) };
          const result = await this.app.store.append({ streamId: account.id, streamType: 'BankAccount', expectedVersion: 'no_stream', events: [opened] });
          if (result.status !== 'appended') throw new Error(`open: ${result.status}`);
          account.version = 1;
          this.accounts.push(account);
        }),
      );
    }
  }

  /** Appends movements to the accounts in turn until the log holds `target` events; about 1% are users' renames. */
  async fillTo(target: bigint): Promise<void> {
    for (;;) {
      const head = await this.app.store.headPosition();
      if (head >= target) return;
      // One user renamed per round of up to 32 x 50 movements: User events spread along the whole log.
      const user = this.users[this.counter % this.users.length]!;
      const renamed = { type: 'user_updated', data: { userId: user.id, name: `Scale ${this.counter}` }, metadata: metadata(user.id) };
      for (let i = 0; i < 16; i++) {
        const result = await this.app.store.append({ streamId: user.id, streamType: 'User', expectedVersion: user.version, events: [renamed] });
        if (result.status !== 'appended') throw new Error(`rename: ${result.status}`);
        user.version = result.version;
      }
      const missing = Number(target - (await this.app.store.headPosition()));
      if (missing <= 0) return;
      const appends = Math.min(32, Math.ceil(missing / PER_APPEND));
      await Promise.all(
        Array.from({ length: appends }, async (_, i) => {
          const account = this.accounts[this.next++ % this.accounts.length]!;
          const size = Math.min(PER_APPEND, missing - i * PER_APPEND);
          if (size <= 0) return;
          const events = Array.from({ length: size }, () => movement(account, ++this.counter));
          const result = await this.app.store.append({ streamId: account.id, streamType: 'BankAccount', expectedVersion: account.version, events });
          if (result.status !== 'appended') throw new Error(`fill: ${result.status}`);
          account.version = result.version;
        }),
      );
    }
  }
}

/** An event as the API hands it out (position as text), as JSON: what "bytes of event JSON" counts. */
export function eventJson(event: StoredEvent): string {
  return JSON.stringify({ ...event, position: event.position.toString() });
}
