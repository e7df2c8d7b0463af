/**
 * The baseline for fan-out: a plain `ws` server that broadcasts one message to
 * every connected socket, serialised once and sent to each (the broadcast
 * example of the ws documentation). Run as its own process, like the ledger
 * server. POST /broadcast stamps a message with the time now and sends it to
 * every socket; GET /stats answers { clients, rss, heapUsed }. Prints
 * { port } when listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

let position = 0;
const http = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/broadcast') {
    // The same shape and size as the ledger's eventAppended frame.
    const text = JSON.stringify({ id: '1', type: 'next', payload: { data: { eventAppended: { position: String(++position), timestamp: new Date().toISOString() } } } });
    for (const client of wss.clients) client.send(text);
    res.end('{}');
    return;
  }
  const { rss, heapUsed } = process.memoryUsage();
  res.end(JSON.stringify({ clients: wss.clients.size, rss, heapUsed }));
});
const wss = new WebSocketServer({ server: http });
http.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (http.address() as AddressInfo).port })));
