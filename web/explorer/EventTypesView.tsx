/**
 * Every event type the server knows (`eventTypes`), by stream type: its
 * current version, what it means and the JSON Schema appends are checked
 * against. `?view=types&type=T` points at one.
 */
import { useEffect } from 'react';
import { useQuery } from '@apollo/client/react';
import type { EventTypesQuery } from './gql/graphql';
import { EventTypeTag } from './EventTypeTag';
import { EventTypes } from './operations';
import { prettyJson } from './streams/json';
import { viewOf } from './streams/registry';

type EventType = EventTypesQuery['eventTypes'][number];

const anchorOf = (type: string) => `type-${type}`;

function byStreamType(types: readonly EventType[]): [string, EventType[]][] {
  const groups = new Map<string, EventType[]>();
  for (const type of types) groups.set(type.streamType, [...(groups.get(type.streamType) ?? []), type]);
  return [...groups];
}

export function EventTypesView({ selected }: { selected: string }) {
  const { data, error } = useQuery(EventTypes);
  useEffect(() => {
    if (selected && data) document.getElementById(anchorOf(selected))?.scrollIntoView({ block: 'start' });
  }, [selected, data]);

  if (error) return <div className="panel error" role="alert">Could not load the event types: {error.message}</div>;
  if (!data) return <div className="panel loading" role="status">Loading the event types…</div>;
  const groups = byStreamType(data.eventTypes);
  const unknown = selected !== '' && !data.eventTypes.some((type) => type.type === selected);
  return (
    <div className="types" data-testid="event-types">
      <div className="panel">
        <h2>
          Event types <small>{data.eventTypes.length} types of {groups.length} stream types</small>
        </h2>
        <p className="detail">
          The data of each event type has a JSON Schema; appends are checked against it. Events written at an older
          version of their type are read everywhere in the current shape.
        </p>
        {unknown && (
          <p className="notice" data-testid="type-unknown">
            This server has no schema for {selected}: it defines no event type of that name, so such events are stored
            and shown as they are.
          </p>
        )}
      </div>
      {groups.map(([streamType, types]) => (
        <section key={streamType} className="panel" data-testid="stream-type" data-stream-type={streamType}>
          <h2>
            {streamType} <small>{viewOf(streamType) ? `${viewOf(streamType)!.noun} view in the explorer` : 'shown as JSON in the explorer'}</small>
          </h2>
          {types.map((type) => (
            <article
              key={type.type}
              id={anchorOf(type.type)}
              className={type.type === selected ? 'event-type selected' : 'event-type'}
              data-testid="event-type"
              data-type={type.type}
              aria-current={type.type === selected ? 'true' : undefined}
            >
              <h3>
                <EventTypeTag event={type} /> <small data-testid="event-type-version">version {type.version}</small>
              </h3>
              <p className="description">{type.description}</p>
              <pre className="schema" data-testid="event-schema">
                {prettyJson(type.schema)}
              </pre>
            </article>
          ))}
        </section>
      ))}
    </div>
  );
}
