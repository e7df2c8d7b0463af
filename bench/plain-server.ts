/**
 * The limit for the HTTP figures: a plain `node:http` server, in its own
 * process, that reads each request's body, parses it as JSON and answers a
 * fixed GraphQL result. No GraphQL server can answer faster on this machine
 * with the same load generator, so `{ __typename }` and deposits are shown as
 * a fraction of it. Prints one JSON line `{ "msg": "listening", "url": ... }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const RESULT = JSON.stringify({ data: { __typename: 'Query' } });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let status = 200;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { query?: unknown };
      if (typeof body.query !== 'string') status = 400;
    } catch {
      status = 400;
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(RESULT) });
    res.end(RESULT);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}/graphql` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
