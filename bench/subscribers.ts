/**
 * Subscribers, run as their own process: N graphql-ws connections, each
 * subscribed to eventAppended, until each has received `expected` events.
 * Prints one JSON line: { received, seconds, latencies: { p50, p99 } } where
 * latency is arrival time minus the event's commit timestamp (same machine, same clock).
 *
 * argv: wsUrl count expected [afterPosition]
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [wsUrl, countText, expectedText, afterPosition] = process.argv.slice(2) as [string, string, string, string | undefined];
const count = Number(countText);
const expected = Number(expectedText);
const latencies: number[] = [];
let received = 0;
let firstAt = 0;
const query = afterPosition
  ? `subscription($a: String) { eventAppended(afterPosition: $a) { position timestamp } }`
  : `subscription { eventAppended { position timestamp } }`;

const clients = Array.from({ length: count }, () => createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false }));
let ready = 0;
const done = Promise.all(
  clients.map(
    (client) =>
      new Promise<void>((resolve, reject) => {
        let mine = 0;
        client.subscribe(
          { query, variables: afterPosition ? { a: afterPosition } : {} },
          {
            next: (result) => {
              const event = (result.data as { eventAppended: { timestamp: string } }).eventAppended;
              const now = Date.now();
              if (firstAt === 0) firstAt = performance.now();
              if (!afterPosition) latencies.push(now - Date.parse(event.timestamp));
              received++;
              if (++mine === expected) resolve();
            },
            error: (error) => reject(new Error(JSON.stringify(error))),
            complete: () => resolve(),
          },
        );
      }),
  ),
);
// Tell the parent when every subscription is in place (the server has acknowledged the connections).
await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.on('connected', () => resolve()))));
await new Promise((resolve) => setTimeout(resolve, 300 + count));
ready = count;
console.log(JSON.stringify({ ready }));
await done;
const seconds = (performance.now() - firstAt) / 1000;
latencies.sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(JSON.stringify({ received, seconds, p50: pick(0.5), p99: pick(0.99) }));
await Promise.all(clients.map((client) => client.dispose()));
process.exit(0);
