/**
 * The view of a stream type the registry has no entry for: events described
 * by their data as compact JSON, and the state at a version as the server's
 * generic `streamState` gives it (pretty JSON), next to the version before.
 */
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { changedKeys, compactJson, prettyJson } from './json';
import type { EventSummary, StateViewProps } from './types';

const StreamStateAt = graphql(`
  query StreamStateAt($id: ID!, $version: Int!) {
    streamState(id: $id, version: $version) {
      streamId
      streamType
      version
      state
    }
  }
`);

export function describeRaw({ data }: EventSummary): string {
  return compactJson(data);
}

export function RawState({ streamId: id, version }: StateViewProps) {
  const now = useQuery(StreamStateAt, { variables: { id, version } });
  const before = useQuery(StreamStateAt, { variables: { id, version: version - 1 }, skip: version <= 1 });
  if (now.error) return <p className="error" role="alert">Could not load the state at version {version}: {now.error.message}</p>;
  if (!now.data) return <p className="loading" role="status">Loading version {version}…</p>;
  const stream = now.data.streamState;
  if (!stream) return <p className="notice">The server has no stream with this id.</p>;
  if (stream.state == null) {
    return (
      <p className="notice" data-testid="raw-state-none" data-version={version}>
        This server has no module for {stream.streamType} streams: their events are readable, their state is not.
      </p>
    );
  }
  const previous = version > 1 ? before.data?.streamState : undefined;
  const changed = previous ? changedKeys(previous.state, stream.state) : undefined;
  return (
    <div className="raw-state" data-testid="raw-state" data-version={stream.version}>
      <figure>
        <figcaption>State at version {stream.version}</figcaption>
        <pre data-testid="raw-state-now">{prettyJson(stream.state)}</pre>
      </figure>
      <figure>
        <figcaption>Before this event{version > 1 ? ` (version ${version - 1})` : ''}</figcaption>
        <pre data-testid="raw-state-before">{version <= 1 ? '—' : previous ? prettyJson(previous.state) : '…'}</pre>
      </figure>
      {changed && (
        <p className="detail" data-testid="raw-state-changed">
          {changed.length > 0 ? `Changed: ${changed.join(', ')}` : 'No field changed'}
        </p>
      )}
    </div>
  );
}

/**
 * StreamState has no id of its own: kept inside the query that asked for it
 * (a stream of a type the server has no module for reports its newest version
 * whatever version was asked, so keying by streamId + version would merge answers).
 */
export const rawTypePolicies = { StreamState: { keyFields: false as const } };
