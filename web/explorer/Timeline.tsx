/** Every event of the stream, oldest first: type, version, time, data and metadata. */
import type { EventFieldsFragment } from './gql/graphql';
import { EventTypeTag, SchemaLink } from './EventTypeTag';
import { formatTime } from './format';
import { describeEvent } from './streams/registry';

interface Props {
  events: readonly EventFieldsFragment[];
  selected: number;
  onSelect: (version: number) => void;
}

export function Timeline({ events, selected, onSelect }: Props) {
  return (
    <div className="panel">
      <h3>Timeline</h3>
      <ol className="timeline" data-testid="timeline">
        {events.map((event) => (
          <li key={event.id} data-version={event.version} className={event.version === selected ? 'selected' : undefined}>
            <button type="button" className="timeline-head" onClick={() => onSelect(event.version)}>
              <span className="version">v{event.version}</span>
              <EventTypeTag event={event} />
              <span className="detail">{describeEvent(event)}</span>
              <span className="time">{formatTime(event.timestamp)}</span>
            </button>
            <dl className="payload">
              <dt>data</dt>
              <dd>{JSON.stringify(event.data)}</dd>
              <dt>metadata</dt>
              <dd>{JSON.stringify(event.metadata)}</dd>
              <dt>position</dt>
              <dd>{event.position}</dd>
              <dt>schema</dt>
              <dd>
                <SchemaLink type={event.type} />
              </dd>
            </dl>
          </li>
        ))}
      </ol>
    </div>
  );
}
