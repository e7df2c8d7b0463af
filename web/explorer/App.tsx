/** Layout and navigation: what is being looked at lives in the URL (navigation.ts). */
import { TokenField } from '../shared/TokenField';
import { useConnection } from './connection-state';
import { EventTypesView } from './EventTypesView';
import { LiveTail } from './LiveTail';
import { followLink, hrefOf, navigate, useRoute, type Route } from './navigation';
import { knownStreamTypes } from './streams/registry';
import { StreamSearch } from './StreamSearch';
import { StreamView } from './StreamView';

const TYPES: Route = { view: 'types', type: '' };
const STREAMS: Route = { view: 'stream', streamId: '' };

export function App() {
  const route = useRoute();
  const open = (streamId: string) => navigate({ view: 'stream', streamId });
  return (
    <div className="app">
      <header className="bar">
        <h1>Ledger <span>event explorer</span></h1>
        <nav className="views">
          <a href={hrefOf(STREAMS)} onClick={followLink(STREAMS)} aria-current={route.view === 'stream' ? 'page' : undefined}>
            Streams
          </a>
          <a href={hrefOf(TYPES)} onClick={followLink(TYPES)} aria-current={route.view === 'types' ? 'page' : undefined}>
            Event types
          </a>
          <a href="/graphql">GraphQL IDE</a>
        </nav>
        <ConnectionBadge />
        <span className="spacer" />
        <TokenField />
      </header>
      <main className="columns">
        <section className="stream-column">
          {route.view === 'types' ? (
            <EventTypesView selected={route.type} />
          ) : (
            <>
              <StreamSearch current={route.streamId} onSearch={open} />
              {route.streamId ? <StreamView key={route.streamId} streamId={route.streamId} /> : <Intro />}
            </>
          )}
        </section>
        <LiveTail onOpen={open} />
      </main>
    </div>
  );
}

function ConnectionBadge() {
  const { state } = useConnection();
  const label = state === 'connected' ? 'live' : state === 'connecting' ? 'connecting…' : 'reconnecting…';
  return (
    <span className={`badge badge-${state}`} data-testid="connection" data-state={state}>
      {label}
    </span>
  );
}

function Intro() {
  const nouns = knownStreamTypes.map((view) => `${view.noun}s`).join(', ');
  return (
    <div className="panel empty">
      <h2>Look at a stream</h2>
      <p>
        Enter a stream id above, or pick a stream from the live log. You will see its events in order, its state at any
        version, and a chart where its stream type has one. The explorer has views for {nouns}; streams of any other type
        show their events and state as JSON.
      </p>
    </div>
  );
}
