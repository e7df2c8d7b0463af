/** One stream: the version slider with the state there, its stream type's chart if it has one, the timeline. */
import { useEffect, useState } from 'react';
import { SeriesChart } from './SeriesChart';
import { viewOf } from './streams/registry';
import { Timeline } from './Timeline';
import { TimeTravel } from './TimeTravel';
import { useStreamEvents } from './use-stream-events';

export function StreamView({ streamId }: { streamId: string }) {
  const { events, loading, error, truncated } = useStreamEvents(streamId);
  const latest = events.at(-1)?.version ?? 0;
  // null: follow the newest version as events arrive.
  const [chosen, setChosen] = useState<number | null>(null);
  const version = chosen ?? latest;
  useEffect(() => {
    if (chosen !== null && chosen >= latest) setChosen(null);
  }, [chosen, latest]);

  if (loading) return <div className="panel loading" role="status">Loading stream {streamId}…</div>;
  if (error && events.length === 0) return <div className="panel error" role="alert">Could not load stream {streamId}: {error.message}</div>;
  if (events.length === 0) {
    return (
      <div className="panel empty" data-testid="stream-empty">
        <h2>No events for “{streamId}”</h2>
        <p>No stream has this id yet. If it is created, its events will appear here.</p>
      </div>
    );
  }

  const streamType = events[0]!.streamType;
  const view = viewOf(streamType);
  const points = view?.chart?.points(events) ?? [];
  const select = (next: number) => setChosen(next >= latest ? null : next);
  return (
    <div className="stream" data-testid="stream" data-stream={streamId} data-view={view ? 'registry' : 'raw'}>
      <div className="panel">
        <h2>
          {streamType} <code>{streamId}</code> <small>{latest} {latest === 1 ? 'version' : 'versions'}</small>
        </h2>
        {!view && (
          <p className="notice" data-testid="raw-view">
            The explorer has no view for {streamType} streams: their events and state are shown as JSON.
          </p>
        )}
        {error && <p className="error">Live updates failed: {error.message}</p>}
        {truncated && <p className="notice">Showing the first {events.length} events of this stream.</p>}
        <TimeTravel streamId={streamId} streamType={streamType} events={events} version={version} latest={latest} onVersion={select} />
      </div>
      {view?.chart && points.length > 0 && (
        <div className="panel">
          <h3>{view.chart.title}</h3>
          <SeriesChart title={view.chart.title} points={points} format={view.chart.format} selected={version} onSelect={select} />
        </div>
      )}
      <Timeline events={events} selected={version} onSelect={select} />
    </div>
  );
}
