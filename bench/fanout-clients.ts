/**
 * Fan-out subscribers, run as their own process: N WebSocket connections,
 * each receiving `expected` messages. Lightweight on purpose (one process
 * holds up to 10,000 sockets on the same cores as the server): it speaks
 * graphql-ws by hand and reads each message's timestamp with indexOf instead
 * of parsing it, the same way in both modes:
 *   graphql  connection_init, then one eventAppended subscription per socket
 *   raw      plain sockets of bench/fanout-raw-server.ts
 * Latency = arrival time - the message's timestamp (the event's commit time, or
 * when the raw server began its broadcast). Prints a JSON line { ready } once
 * every socket is connected (and, for graphql, acknowledged and subscribed
 * from its side), then { received, expected, seconds, p50, p99, max }.
 *
 * argv: mode count expected wsUrl [wsUrl2 ...]   (sockets spread over the URLs)
 */
import WebSocket from 'ws';

const [mode, countText, expectedText, ...urls] = process.argv.slice(2) as [string, string, string, ...string[]];
const count = Number(countText);
const expected = Number(expectedText);
const latencies: number[] = [];
let received = 0;
let firstAt = 0;
let lastAt = 0;
let complete = 0;
let finish: () => void = () => undefined;
const finished = new Promise<void>((resolve) => (finish = resolve));
const KEY = '"timestamp":"';

function onMessage(text: string, perSocket: { n: number }): void {
  const at = text.indexOf(KEY);
  if (at < 0) return;
  const now = Date.now();
  if (firstAt === 0) firstAt = performance.now();
  lastAt = performance.now();
  latencies.push(now - Date.parse(text.slice(at + KEY.length, text.indexOf('"', at + KEY.length))));
  received++;
  if (++perSocket.n === expected && ++complete === count) finish();
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = mode === 'graphql' ? new WebSocket(url, 'graphql-transport-ws') : new WebSocket(url);
    const mine = { n: 0 };
    socket.on('error', reject);
    socket.on('message', (data) => {
      const text = data.toString();
      if (mode === 'graphql' && text.startsWith('{"type":"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { eventAppended { position timestamp } }' } }));
        resolve(socket);
        return;
      }
      onMessage(text, mine);
    });
    socket.on('open', () => {
      if (mode === 'graphql') socket.send('{"type":"connection_init"}');
      else resolve(socket);
    });
  });
}

const sockets: WebSocket[] = [];
// In waves, so the server's accept queue is never flooded.
for (let start = 0; start < count; start += 250) {
  const wave = Array.from({ length: Math.min(250, count - start) }, (_, i) => open(urls[(start + i) % urls.length]!));
  sockets.push(...(await Promise.all(wave)));
}
console.log(JSON.stringify({ ready: sockets.length }));
// The parent ends the run early (SIGTERM) when deliveries stop coming.
process.on('SIGTERM', () => finish());
await finished;
latencies.sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(JSON.stringify({ received, expected: count * expected, seconds: (lastAt - firstAt) / 1000, p50: pick(0.5), p99: pick(0.99), max: latencies.at(-1) ?? 0 }));
for (const socket of sockets) socket.terminate();
process.exit(0);
