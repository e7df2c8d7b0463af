/** BankAccount streams: amounts in a line, the balance at each version as state and as a chart. */
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { field, type EventSummary, type StateViewProps, type StreamTypeView, type VersionedEvent } from './types';
import { formatCents, formatChange, toCents } from './money';

const AccountAtVersion = graphql(`
  query AccountAtVersion($id: ID!, $version: Int!) {
    account(id: $id, version: $version) {
      id
      version
      balance
      currency
      isActive
      ownerId
    }
  }
`);

/** The amount, then the payment reference (ref …) and the free-text description, when the event has them. */
function withDescription(text: string, data: unknown): string {
  const reference = field(data, 'reference');
  const description = field(data, 'description');
  const withReference = reference ? `${text} ref ${reference}` : text;
  return description ? `${withReference} (${description})` : withReference;
}

function describe({ type, data }: EventSummary): string | undefined {
  switch (type) {
    case 'account_created':
      return `opened with ${field(data, 'initialBalance') ?? '?'} ${field(data, 'currency') ?? ''}`.trim();
    case 'money_deposited':
      return withDescription(`+${field(data, 'amount') ?? '?'}`, data);
    case 'money_withdrawn':
      return withDescription(`-${field(data, 'amount') ?? '?'}`, data);
    case 'account_closed':
      return 'closed';
    case 'money_transferred_out':
      return withDescription(`-${field(data, 'amount') ?? '?'} transferred to ${field(data, 'toAccountId') ?? '?'}`, data);
    case 'money_transferred_in':
      return withDescription(`+${field(data, 'amount') ?? '?'} transferred from ${field(data, 'fromAccountId') ?? '?'}`, data);
    default:
      return undefined;
  }
}

/** A transfer is one movement over two accounts: each side links the other. */
function links({ type, data }: EventSummary) {
  const other = type === 'money_transferred_out' ? field(data, 'toAccountId') : type === 'money_transferred_in' ? field(data, 'fromAccountId') : undefined;
  if (!other) return [];
  return [{ label: type === 'money_transferred_out' ? 'to account' : 'from account', streamId: other }];
}

/** How an event moves the balance, in cents (undefined for a type that is not known here). */
function balanceChange({ type, data }: EventSummary): bigint | undefined {
  switch (type) {
    case 'account_created':
      return toCents(field(data, 'initialBalance') ?? '0');
    case 'money_deposited':
      return toCents(field(data, 'amount') ?? '0');
    case 'money_withdrawn':
    case 'money_transferred_out':
      return -toCents(field(data, 'amount') ?? '0');
    case 'money_transferred_in':
      return toCents(field(data, 'amount') ?? '0');
    case 'account_closed':
      return 0n;
    default:
      return undefined;
  }
}

/** The balance after each version (exact, from the events' decimal strings); [] if an event is not understood. */
function balances(events: readonly VersionedEvent[]) {
  const points = [];
  let cents = 0n;
  for (const event of events) {
    const change = balanceChange(event);
    if (change === undefined) return [];
    cents += change;
    points.push({ version: event.version, value: cents, label: formatCents(cents) });
  }
  return points;
}

/** The server's own time travel (`account(id, version)`), next to the version before. */
function AccountState({ streamId: id, version }: StateViewProps) {
  const now = useQuery(AccountAtVersion, { variables: { id, version } });
  const before = useQuery(AccountAtVersion, { variables: { id, version: version - 1 }, skip: version <= 1 });
  if (now.error) return <p className="error" role="alert">Could not load the account at version {version}: {now.error.message}</p>;
  const account = now.data?.account;
  if (!account) return <p className="loading" role="status">Loading version {version}…</p>;
  const previous = version > 1 ? before.data?.account : undefined;
  const change = previous ? toCents(account.balance) - toCents(previous.balance) : undefined;
  return (
    <div className="state" data-testid="state" data-version={account.version}>
      <div className="figure">
        <span className="label">Balance at version {account.version}</span>
        <span className="value" data-testid="state-balance">
          {account.balance}
        </span>
        <span className="unit">{account.currency}</span>
      </div>
      <div className="figure">
        <span className="label">Before this event</span>
        <span className="value muted" data-testid="state-before">
          {version <= 1 ? '—' : (previous?.balance ?? '…')}
        </span>
        {change !== undefined && <span className={change < 0n ? 'change down' : 'change up'}>{formatChange(change)}</span>}
      </div>
      <div className="figure">
        <span className="label">Status</span>
        <span className="value">{account.isActive ? 'open' : 'closed'}</span>
        {previous && previous.isActive !== account.isActive && <span className="change">was {previous.isActive ? 'open' : 'closed'}</span>}
      </div>
    </div>
  );
}

export const bankAccountView: StreamTypeView = {
  streamType: 'BankAccount',
  noun: 'account',
  describe,
  tones: { account_created: 'start', money_deposited: 'up', money_withdrawn: 'down', account_closed: 'end', money_transferred_in: 'up', money_transferred_out: 'down' },
  links,
  StateView: AccountState,
  chart: { title: 'Balance by version', points: balances, format: formatCents },
  // Time travel: the same account at another version is another object.
  typePolicies: { Account: { keyFields: ['id', 'version'] } },
};
