/** An event's type as a coloured tag (its tone from the registry), optionally a link to its schema. */
import { followLink, hrefOf, type Route } from './navigation';
import { toneOf } from './streams/registry';

interface Props {
  event: { streamType: string; type: string };
  /** Link to the type's schema in the event types view. */
  link?: boolean;
}

export function EventTypeTag({ event, link = false }: Props) {
  const tone = toneOf(event);
  const className = tone ? `type tone-${tone}` : 'type';
  if (!link) return <span className={className}>{event.type}</span>;
  const route: Route = { view: 'types', type: event.type };
  return (
    <a className={className} href={hrefOf(route)} onClick={followLink(route)} title={`The schema of ${event.type}`}>
      {event.type}
    </a>
  );
}

/** A plain text link to a type's schema. */
export function SchemaLink({ type }: { type: string }) {
  const route: Route = { view: 'types', type };
  return (
    <a className="schema-link" href={hrefOf(route)} onClick={followLink(route)} data-testid="schema-link">
      {type} schema
    </a>
  );
}
