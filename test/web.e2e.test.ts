/**
 * The HTTP side of the browser pages: which requests get HTML, which still
 * reach Apollo Server (CSRF prevention included), cache and security headers,
 * and the answer when the pages have not been built.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/http.js';
import { WEB_DIST, webPages } from '../src/server/web.js';
import { startTestServer } from './helpers/app.js';
import { createDatabase, type TestDatabase } from './helpers/databases.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('browser pages over HTTP', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let origin: string;

  beforeAll(async () => {
    db = await createDatabase('sqlite');
    ({ server } = await startTestServer(db.url));
    origin = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('serves the IDE to a browser at GET /graphql, with no-cache and a same-origin CSP', async () => {
    const response = await fetch(`${origin}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://${new URL(origin).host}`);
    const html = await response.text();
    expect(html).toContain('<title>Ledger GraphQL IDE</title>');
    // Every script and stylesheet is the server's own.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the explorer and its hashed assets, cached for good', async () => {
    const page = await fetch(`${origin}/explorer`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="(\/web\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${origin}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${origin}/web/assets/nothing-here.js`)).status).toBe(404);
  });

  it('leaves GraphQL over GET and POST to Apollo, CSRF prevention included', async () => {
    // A GET without a preflight-forcing header is refused by Apollo's CSRF prevention, as before.
    const simple = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toContain('CSRF');
    const noQuery = await fetch(`${origin}/graphql`, { headers: { accept: 'application/json' } });
    expect(noQuery.headers.get('content-type')).not.toMatch(/text\/html/);

    const get = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });

    const post = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: BROWSER_ACCEPT },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('the build holds the editor workers, and its styles and code name no CDN', () => {
    const assets = readdirSync(join(WEB_DIST, 'assets'));
    expect(assets.filter((name) => name.includes('.worker')).length).toBeGreaterThanOrEqual(3);
    for (const name of assets.filter((file) => /\.(js|css)$/.test(file))) {
      const text = readFileSync(join(WEB_DIST, 'assets', name), 'utf8');
      expect(text, name).not.toMatch(/unpkg\.com|jsdelivr|esm\.sh|cdnjs|googleapis|gstatic/);
      // Stylesheets load fonts and images from the same folder or inline, never by absolute URL.
      if (name.endsWith('.css')) expect(text.match(/url\((?!["']?(data:|\.|\/web\/))[^)]*\)/g) ?? [], name).toEqual([]);
    }
  });
});

describe('browser pages not built', () => {
  let empty: string;
  let http: Server;
  let origin: string;

  beforeAll(async () => {
    empty = mkdtempSync(join(tmpdir(), 'ledger-web-'));
    const app = express();
    app.use(webPages(empty));
    http = createServer(app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    rmSync(empty, { recursive: true, force: true });
  });

  it('answers 503 with the command that builds them', async () => {
    for (const path of ['/explorer', '/graphql']) {
      const response = await fetch(`${origin}${path}`, { headers: { accept: BROWSER_ACCEPT } });
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:web');
    }
  });
});
