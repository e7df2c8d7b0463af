/**
 * The version slider. The state shown is the server's own time travel
 * (`account(id, version)` / `user(id, version)`), next to the state one version
 * earlier, so the event at that version shows what it changed.
 */
import { useQuery } from '@apollo/client/react';
import type { EventFieldsFragment } from './gql/graphql';
import { describeEvent, formatTime } from './describe';
import { formatChange, toCents } from './money';
import { AccountAtVersion, UserAtVersion } from './operations';

interface Props {
  streamId: string;
  streamType: string;
  events: readonly EventFieldsFragment[];
  version: number;
  latest: number;
  onVersion: (version: number) => void;
}

export function TimeTravel({ streamId, streamType, events, version, latest, onVersion }: Props) {
  const event = events.find((candidate) => candidate.version === version);
  return (
    <div className="time-travel">
      <label className="slider">
        <span>
          Version <strong data-testid="slider-version">{version}</strong> of {latest}
        </span>
        <input
          type="range"
          min={1}
          max={Math.max(latest, 1)}
          step={1}
          value={version}
          disabled={latest <= 1}
          aria-label="Version"
          data-testid="version-slider"
          onChange={(change) => onVersion(Number(change.target.value))}
        />
      </label>
      {event && (
        <p className="changed" data-testid="event-at-version">
          <span className={`type type-${event.type}`}>{event.type}</span> {describeEvent(event)} <span className="time">at {formatTime(event.timestamp)}</span>
        </p>
      )}
      {streamType === 'BankAccount' ? (
        <AccountState id={streamId} version={version} />
      ) : streamType === 'User' ? (
        <UserState id={streamId} version={version} />
      ) : (
        <p className="notice">No state view for streams of type {streamType}.</p>
      )}
    </div>
  );
}

function AccountState({ id, version }: { id: string; version: number }) {
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

function UserState({ id, version }: { id: string; version: number }) {
  const now = useQuery(UserAtVersion, { variables: { id, version } });
  const before = useQuery(UserAtVersion, { variables: { id, version: version - 1 }, skip: version <= 1 });
  if (now.error) return <p className="error" role="alert">Could not load the user at version {version}: {now.error.message}</p>;
  const user = now.data?.user;
  if (!user) return <p className="loading" role="status">Loading version {version}…</p>;
  const previous = version > 1 ? before.data?.user : undefined;
  return (
    <div className="state" data-testid="state" data-version={user.version}>
      <div className="figure">
        <span className="label">Name</span>
        <span className="value">{user.name}</span>
        {previous && previous.name !== user.name && <span className="change">was {previous.name}</span>}
      </div>
      <div className="figure">
        <span className="label">Email</span>
        <span className="value">{user.email}</span>
        {previous && previous.email !== user.email && <span className="change">was {previous.email}</span>}
      </div>
    </div>
  );
}
