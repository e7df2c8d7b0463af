/**
 * SUBSCRIPTION_BUFFER cuts off subscribers that stop reading (4413), not one
 * that keeps up: the tailer hands each page it reads (up to 1,000 events) to
 * every live subscriber at once, so a single commit larger than the buffer
 * used to close a healthy subscriber as "too slow" (src/subscriptions/backlog.ts).
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { before, until } from './helpers/deadline.js';

const BURST = 2_500;

describe.each(backends)('a burst of commits and a live subscriber that keeps up, on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;
  beforeAll(async () => {
    db = await createDatabase(backend);
    ({ app, server } = await startTestServer(db.url));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it(`delivers a burst of ${BURST} events (more than SUBSCRIPTION_BUFFER=1000) without closing the connection`, async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    try {
      let closed: string | undefined;
      let received = 0;
      socket.on('close', (code, reason) => (closed = `${code} ${String(reason)}`));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      await new Promise((resolve) => socket.once('message', resolve));
      socket.on('message', (raw) => {
        if ((JSON.parse(String(raw)) as { type: string }).type === 'next') received++;
      });
      socket.send(JSON.stringify({ id: 'live', type: 'subscribe', payload: { query: `subscription { eventAppended(streamId: "b") { position } }` } }));
      await until('the subscription to be set up', () => server.liveSubscriptions() === 1);
      const meta = { correlationId: 'burst', causationId: 'burst' };
      await app.store.append({
        streamId: 'b',
        streamType: 'BankAccount',
        expectedVersion: 'no_stream',
        events: [
          { type: 'account_created', data: { accountId: 'b', ownerId: 'o', currency: 'USD', initialBalance: '0.00' }, metadata: meta },
          ...Array.from({ length: BURST - 1 }, () => ({ type: 'money_deposited', data: { accountId: 'b', amount: '1.00', reference: null }, metadata: meta })),
        ],
      });
      await before(30_000, `all ${BURST} events, or the connection closing`, until('delivery to end', () => received === BURST || closed !== undefined, 30_000));
      expect(closed).toBeUndefined();
      expect(received).toBe(BURST);
    } finally {
      socket.terminate();
    }
  });
});
