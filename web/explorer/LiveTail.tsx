/** The global log as it commits, newest first; resumes after the server restarts. */
import { useState } from 'react';
import type { EventFieldsFragment } from './gql/graphql';
import { describeEvent } from './describe';
import { useConnection } from './connection-state';
import { useEventFeed } from './use-event-feed';

const KEEP = 200;

export function LiveTail({ onOpen }: { onOpen: (streamId: string) => void }) {
  const [events, setEvents] = useState<EventFieldsFragment[]>([]);
  const { state } = useConnection();
  const { error } = useEventFeed({ onEvent: (event) => setEvents((previous) => [event, ...previous].slice(0, KEEP)) });

  return (
    <aside className="panel tail" aria-label="Live log">
      <h2>
        Live log <small>{events.length > 0 ? `last position ${events[0]!.position}` : ''}</small>
      </h2>
      {error && <p className="error">Live log failed: {error.message}</p>}
      {state === 'reconnecting' && <p className="notice">Connection lost; reconnecting and resuming from the last event seen…</p>}
      {events.length === 0 ? (
        <p className="empty">{state === 'connected' ? 'Waiting for events: they appear here as they commit.' : 'Connecting…'}</p>
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
                  <span className={`type type-${event.type}`}>{event.type}</span>
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
