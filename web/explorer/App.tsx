/** Layout and navigation: the stream being looked at lives in the URL (?stream=ID). */
import { useCallback, useEffect, useState } from 'react';
import { TokenField } from '../shared/TokenField';
import { useConnection } from './connection-state';
import { LiveTail } from './LiveTail';
import { StreamSearch } from './StreamSearch';
import { StreamView } from './StreamView';

function streamFromUrl(): string {
  return new URLSearchParams(window.location.search).get('stream') ?? '';
}

export function App() {
  const [streamId, setStreamId] = useState(streamFromUrl);
  const open = useCallback((id: string) => {
    const url = new URL(window.location.href);
    if (id) url.searchParams.set('stream', id);
    else url.searchParams.delete('stream');
    window.history.pushState(null, '', url);
    setStreamId(id);
  }, []);
  useEffect(() => {
    const onPop = () => setStreamId(streamFromUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  return (
    <div className="app">
      <header className="bar">
        <h1>Ledger <span>event explorer</span></h1>
        <a href="/graphql">GraphQL IDE</a>
        <ConnectionBadge />
        <span className="spacer" />
        <TokenField />
      </header>
      <main className="columns">
        <section className="stream-column">
          <StreamSearch current={streamId} onSearch={open} />
          {streamId ? <StreamView key={streamId} streamId={streamId} /> : <Intro />}
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
  return (
    <div className="panel empty">
      <h2>Look at a stream</h2>
      <p>
        Enter an account or user id above, or pick a stream from the live log. You will see its events in order,
        its state at any version, and for an account, its balance over time.
      </p>
    </div>
  );
}
