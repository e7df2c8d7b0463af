/**
 * The version slider. The state shown is the stream type's own view from the
 * registry (the server's time travel, e.g. `account(id, version)`), or the
 * generic `streamState` as JSON for a type without one, next to the state one
 * version earlier, so the event at that version shows what it changed.
 */
import type { EventFieldsFragment } from './gql/graphql';
import { EventTypeTag } from './EventTypeTag';
import { formatTime } from './format';
import { describeEvent, stateViewOf } from './streams/registry';

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
  const StateView = stateViewOf(streamType);
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
          <EventTypeTag event={event} link /> {describeEvent(event)} <span className="time">at {formatTime(event.timestamp)}</span>
        </p>
      )}
      <StateView streamId={streamId} version={version} />
    </div>
  );
}
