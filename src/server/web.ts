/**
 * The browser pages, built by Vite into dist/web (see web/): the GraphQL IDE
 * at GET /graphql for a browser asking for HTML, the event explorer at GET
 * /explorer, and their hashed assets under /web/assets/. Everything is served
 * from this process; the pages load nothing from anywhere else.
 *
 * Any other request to /graphql (GraphQL over GET or POST, a GET without
 * text/html) falls through untouched to Apollo Server, CSRF checks included.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { PROJECT_ROOT } from '../paths.js';

/** Where `npm run build:web` writes the pages. */
export const WEB_DIST = join(PROJECT_ROOT, 'dist', 'web');

const PAGES = { ide: 'ide/index.html', explorer: 'explorer/index.html' } as const;
const HOST = /^[\w.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/;

/**
 * Only this origin: scripts, workers, fonts and images from the server itself;
 * fetch to it and its WebSocket (ws: or wss: on the same host and port). The editor
 * (Monaco, in GraphiQL) sets element styles at run time, hence inline styles.
 */
function contentSecurityPolicy(req: Request): string {
  const host = req.headers.host && HOST.test(req.headers.host) ? req.headers.host : undefined;
  // Both schemes: behind a TLS proxy the page is https and its socket wss.
  const socket = host ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${socket}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The page's HTML, read once; undefined while the pages have not been built. */
function loadPage(dist: string, file: string): (() => string | undefined) {
  let cached: string | undefined;
  return () => {
    if (cached !== undefined) return cached;
    const path = join(dist, file);
    if (!existsSync(path)) return undefined;
    cached = readFileSync(path, 'utf8');
    return cached;
  };
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Ledger: pages not built</title>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The browser pages have not been built</h1>
<p>Run <code>npm run build:web</code> (or <code>npm install</code>, which runs it) in the project folder, then reload.
The GraphQL API itself works: POST queries to <code>/graphql</code>.</p></body>`;

function sendPage(req: Request, res: Response, html: string | undefined): void {
  res.set('Content-Security-Policy', contentSecurityPolicy(req));
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Cache-Control', 'no-cache');
  res.type('html');
  if (html === undefined) res.status(503).send(NOT_BUILT);
  else res.send(html);
}

/** True for a browser navigating to the URL, false for a GraphQL client. */
function wantsHtml(req: Request): boolean {
  if (req.query.query !== undefined) return false;
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

export function webPages(dist: string = WEB_DIST): Router {
  const router = express.Router();
  const ide = loadPage(dist, PAGES.ide);
  const explorer = loadPage(dist, PAGES.explorer);

  router.get('/graphql', (req, res, next) => {
    if (!wantsHtml(req)) {
      next();
      return;
    }
    sendPage(req, res, ide());
  });
  router.get(['/explorer', '/explorer/'], (req, res) => sendPage(req, res, explorer()));
  // Asset names carry a hash of their content: they never change.
  router.use(
    '/web/assets',
    express.static(join(dist, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
      setHeaders: (res) => res.set('X-Content-Type-Options', 'nosniff'),
    }),
  );
  return router;
}
