/** User streams: who registered, what changed, the name and email at each version. */
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { field, type EventSummary, type StateViewProps, type StreamTypeView } from './types';

const UserAtVersion = graphql(`
  query UserAtVersion($id: ID!, $version: Int!) {
    user(id: $id, version: $version) {
      id
      version
      name
      email
      forgotten
    }
  }
`);

/** What a forgotten person's personal fields show: they are gone at every version. */
const FORGOTTEN = '(forgotten)';

function describe({ type, data }: EventSummary): string | undefined {
  switch (type) {
    case 'user_registered':
      return `${field(data, 'name') ?? FORGOTTEN} <${field(data, 'email') ?? FORGOTTEN}>`;
    case 'user_forgotten':
      return 'forgotten: their email and name are gone at every version';
    case 'user_updated':
      return Object.entries((data ?? {}) as Record<string, unknown>)
        .filter(([key]) => key !== 'userId')
        .map(([key, value]) => `${key} → ${value === null ? FORGOTTEN : String(value)}`)
        .join(', ');
    default:
      return undefined;
  }
}

/** The server's own time travel (`user(id, version)`), with what the event at this version changed. */
function UserState({ streamId: id, version }: StateViewProps) {
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
        <span className="value" data-testid="state-name">
          {user.name ?? FORGOTTEN}
        </span>
        {previous && previous.name !== user.name && <span className="change">was {previous.name}</span>}
      </div>
      <div className="figure">
        <span className="label">Email</span>
        <span className="value">{user.email ?? FORGOTTEN}</span>
        {previous && previous.email !== user.email && <span className="change">was {previous.email}</span>}
      </div>
    </div>
  );
}

export const userView: StreamTypeView = {
  streamType: 'User',
  noun: 'user',
  describe,
  tones: { user_registered: 'start', user_forgotten: 'end' },
  erases: ['user_forgotten'],
  StateView: UserState,
  // Time travel: the same user at another version is another object.
  typePolicies: { User: { keyFields: ['id', 'version'] } },
};
