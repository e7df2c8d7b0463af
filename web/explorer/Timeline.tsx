/** Every event of the stream, oldest first: type, version, time, data and metadata. */
import type { EventFieldsFragment } from './gql/graphql';
import { EventTypeTag, SchemaLink } from './EventTypeTag';
import { formatTime } from './format';
import { followLink, hrefOf } from './navigation';
import { describeEvent, linksOf } from './streams/registry';

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
              {linksOf(event).map((link) => (
                <LinkedStream key={link.streamId} {...link} />
              ))}
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

/** Another stream the event names (e.g. the other account of a transfer): a link that opens it here. */
function LinkedStream({ label, streamId }: { label: string; streamId: string }) {
  const route = { view: 'stream', streamId } as const;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <a href={hrefOf(route)} onClick={followLink(route)} data-testid="linked-stream">
          {streamId}
        </a>
      </dd>
    </>
  );
}
