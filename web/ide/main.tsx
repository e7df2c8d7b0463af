/**
 * The GraphQL IDE: GraphiQL bundled with its editor (Monaco) and workers,
 * queries and mutations over HTTP, subscriptions over graphql-ws, both to the
 * server that served the page. Nothing is loaded from anywhere else.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './ide.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { TokenField } from '../shared/TokenField';
import { exampleTabs } from './examples';
import { createFetcher } from './fetcher';

const fetcher = createFetcher();

function Ide() {
  return (
    <div className="ide">
      <header className="ide-bar">
        <strong>Ledger</strong>
        <span>GraphQL IDE</span>
        <a href="/explorer">Event explorer</a>
        <span className="ide-spacer" />
        <TokenField />
      </header>
      <main className="ide-main">
        <GraphiQL fetcher={fetcher} defaultTabs={exampleTabs} defaultEditorToolsVisibility="variables">
          <GraphiQL.Logo>Ledger</GraphiQL.Logo>
        </GraphiQL>
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Ide />
  </StrictMode>,
);
