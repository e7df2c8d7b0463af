/**
 * The default configuration serves a well-behaved heavy client: a burst of
 * writers from one address and many WebSockets from it are never refused.
 * (Per-client limits are for production with authentication; see the
 * README's "Production hardening".)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../src/modules.js';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server/http.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';
import { gql, ok } from './helpers/graphql.js';
import { connectRaw } from './helpers/ws.js';
import { masterKeyEnv } from './helpers/app.js';

const WRITERS = 4;
const EACH = 100;
const IN_FLIGHT = 10;

describe.each(backends)('default configuration on %s', (backend) => {
  let db: TestDatabase;
  let app: App;
  let server: RunningServer;

  beforeAll(async () => {
    db = await createDatabase(backend);
    // Nothing but the database and a free port: every limit at its default.
    app = await createApp(loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', ...masterKeyEnv(db.url) }), modules);
    server = await startServer(app, { port: 0, host: app.config.host });
    await ok(server.url, `mutation { registerUser(input: {userId: "bulk", email: "bulk@example.com", name: "Bulk"}) { user { id } } }`);
    for (let w = 0; w < WRITERS; w++) await ok(server.url, `mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "bulk"}) { account { id } } }`, { id: `bulk-${w}` });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('takes a burst of deposits from several writers at one address', async () => {
    const deposit = `mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1.00"}) { account { id } } }`;
    const refused: unknown[] = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let sent = 0; sent < EACH; sent += IN_FLIGHT) {
          const answers = await Promise.all(Array.from({ length: IN_FLIGHT }, () => gql(server.url, deposit, { id: `bulk-${w}` })));
          refused.push(...answers.filter((answer) => answer.errors).map((answer) => answer.errors));
        }
      }),
    );
    expect(refused).toEqual([]);
    for (let w = 0; w < WRITERS; w++) expect((await ok(server.url, `{ account(id: "bulk-${w}") { balance } }`)).account.balance).toBe(`${EACH}.00`);
  });

  it('lets one address hold many WebSockets', async () => {
    const sockets = await Promise.all(Array.from({ length: 60 }, () => connectRaw(server.wsUrl)));
    try {
      expect(sockets.filter((socket) => !socket.acked).map((socket) => socket.code)).toEqual([]);
    } finally {
      for (const socket of sockets) socket.socket.close();
    }
  });
});
