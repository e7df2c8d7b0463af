/**
 * The global log, newest first: the most recent events on load, then each
 * event as it commits, subscribed after the newest one loaded (so nothing
 * between the two is missed or shown twice); resumes after the server restarts.
 */
import { useEffect, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import type { EventFieldsFragment } from './gql/graphql';
import { EventTypeTag } from './EventTypeTag';
import { describeEvent } from './streams/registry';
import { useConnection } from './connection-state';
import { useEventFeed } from './use-event-feed';
import { RecentEvents } from './operations';

const KEEP = 200;
const RECENT = 20;

export function LiveTail({ onOpen }: { onOpen: (streamId: string) => void }) {
  const [events, setEvents] = useState<EventFieldsFragment[]>([]);
  const { state } = useConnection();
  const recent = useQuery(RecentEvents, { variables: { last: RECENT }, fetchPolicy: 'network-only' });
  const loaded = recent.data?.events.edges.map((edge) => edge.node);
  // Subscribe after the newest event loaded; "0" on an empty log (nothing to replay).
  const afterPosition = loaded ? (loaded.at(-1)?.position ?? '0') : undefined;
  useEffect(() => {
    if (loaded) setEvents([...loaded].reverse());
    // Only when the first page arrives; live events take over from there.
  }, [recent.data]);
  const { error: feedError } = useEventFeed({
    afterPosition,
    skip: afterPosition === undefined,
    onEvent: (event) => setEvents((previous) => [event, ...previous].slice(0, KEEP)),
  });
  const error = recent.error ?? feedError;

  return (
    <aside className="panel tail" aria-label="Live log">
      <h2>
        Live log <small>{events.length > 0 ? `last position ${events[0]!.position}` : ''}</small>
      </h2>
      {error && <p className="error">Live log failed: {error.message}</p>}
      {state === 'reconnecting' && <p className="notice">Connection lost; reconnecting and resuming from the last event seen…</p>}
      {events.length === 0 ? (
        <p className="empty">
          {recent.loading ? 'Loading the newest events…' : state === 'connected' ? 'No events yet: they appear here as they commit.' : 'Connecting…'}
        </p>
      ) : (
        <table data-testid="live-tail">
          <thead>
            <tr>
              <th>Pos.</th>
              <th>Time (UTC)</th>
              <th>Event</th>
              <th>Stream</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.position} data-position={event.position} data-stream={event.streamId}>
                <td className="num">{event.position}</td>
                <td className="time">{event.timestamp.slice(11, 23)}</td>
                <td>
                  <EventTypeTag event={event} link />
                  <div className="detail">{describeEvent(event)}</div>
                </td>
                <td>
                  <button type="button" className="link" title={event.streamId} onClick={() => onOpen(event.streamId)}>
                    {event.streamId.length > 13 ? `${event.streamId.slice(0, 8)}…` : event.streamId}
                  </button>
                  <div className="detail">v{event.version}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}
