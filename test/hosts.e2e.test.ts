/**
 * DNS rebinding: a browser sent to this server under an attacker's name
 * carries that name in Host. Browser requests (Origin or Sec-Fetch-*) must
 * name the server by an IP address, localhost or a name in ALLOWED_HOSTS,
 * on HTTP and on the WebSocket upgrade; other clients may send any Host.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/http.js';
import { startTestServer } from './helpers/app.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';
import { connectRaw } from './helpers/ws.js';

interface Answer {
  status: number;
  body: string;
}

/** A raw HTTP request, so the test chooses the Host header (as a rebound browser would send it). */
function send(url: string, headers: Record<string, string>, method = 'POST', body = '{"query":"{ events(first: 1) { edges { cursor } } }"}'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? body : undefined);
  });
}

describe('Host checks against DNS rebinding', () => {
  let db: TestDatabase;
  let open: RunningServer;
  let named: RunningServer;
  let port: string;

  beforeAll(async () => {
    db = await createDatabase('sqlite');
    ({ server: open } = await startTestServer(db.url));
    ({ server: named } = await startTestServer(db.url, { ALLOWED_HOSTS: 'api.example.com, Ledger.Internal' }));
    port = new URL(open.url).port;
  });
  afterAll(async () => {
    await open?.close();
    await named?.close();
    await db?.drop();
  });

  it('refuses browser requests that name the server by a foreign name, on every route', async () => {
    const evil = `rebound.evil.example:${port}`;
    const cases: Array<[string, Record<string, string>, string?]> = [
      ['fetch with Origin', { host: evil, origin: `http://${evil}` }],
      ['same-origin GET fetch (no Origin, Sec-Fetch-Mode)', { host: evil, 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin', 'apollo-require-preflight': 'true' }, 'GET'],
      ['a page navigation', { host: evil, accept: 'text/html', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, 'GET'],
    ];
    for (const [name, headers, method] of cases) {
      const url = method === 'GET' && !headers.accept ? `${open.url}?query=%7B__typename%7D` : open.url;
      const answer = await send(url, headers, method);
      expect(answer.status, name).toBe(403);
      expect(JSON.parse(answer.body).errors[0], name).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/ALLOWED_HOSTS/) });
    }
    const metrics = await send(open.url.replace('/graphql', '/metrics'), { host: evil, 'sec-fetch-mode': 'no-cors' }, 'GET');
    expect(metrics.status).toBe(403);
    expect(await connectRaw(open.wsUrl, undefined, { host: evil, origin: `http://${evil}` })).toMatchObject({ acked: false, code: 403 });
  });

  it('serves browsers that use an address or localhost, and clients that are not browsers', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const answer = await send(open.url, { host, origin: `http://${host}` });
      expect(answer.status, host).toBe(200);
      const socket = await connectRaw(open.wsUrl, undefined, { host, origin: `http://${host}` });
      expect(socket.acked, host).toBe(true);
      socket.socket.close();
    }
    // No Origin and no Sec-Fetch-*: not a browser, so not a rebinding victim.
    expect((await send(open.url, { host: 'anything.example' })).status).toBe(200);
    const plain = await connectRaw(open.wsUrl, undefined, { host: 'anything.example' });
    expect(plain.acked).toBe(true);
    plain.socket.close();
  });

  it('serves browsers under the names in ALLOWED_HOSTS, any port, any case', async () => {
    for (const host of ['api.example.com', 'ledger.internal:8443']) {
      expect((await send(named.url, { host, origin: `https://${host}` })).status, host).toBe(200);
    }
    expect((await send(named.url, { host: 'localhost', origin: 'http://localhost' })).status).toBe(403);
    const socket = await connectRaw(named.wsUrl, undefined, { host: 'api.example.com', origin: 'https://api.example.com' });
    expect(socket.acked).toBe(true);
    socket.socket.close();
  });
});
