/**
 * A load generator, run as its own process: K concurrent HTTP keep-alive
 * clients sending one GraphQL operation in a loop for a bounded time.
 * Prints one JSON line: { count, errors, seconds, p50, p99 } (latencies in ms).
 *
 * argv: url concurrency seconds kind   (kind: typename | deposit | account)
 * Deposits go to accounts bench-0 .. bench-{K-1} (one per client), which must exist.
 */
import { Agent, request } from 'undici';

const [url, concurrencyText, secondsText, kind] = process.argv.slice(2) as [string, string, string, string];
const concurrency = Number(concurrencyText);
const seconds = Number(secondsText);
const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });

function body(client: number): string {
  switch (kind) {
    case 'typename':
      return JSON.stringify({ query: '{ __typename }' });
    case 'account':
      return JSON.stringify({ query: 'query($id: ID!) { account(id: $id) { id balance version } }', variables: { id: `bench-${client}` } });
    case 'deposit':
      return JSON.stringify({
        query: 'mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1.00"}) { account { balance version } } }',
        variables: { id: `bench-${client}` },
      });
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

const latencies: number[] = [];
let errors = 0;
const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async (_, client) => {
    const payload = body(client);
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: payload });
        const text = await response.body.text();
        if (response.statusCode !== 200 || text.includes('"errors"')) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(JSON.stringify({ count: latencies.length, errors, seconds: elapsed, p50: pick(0.5), p99: pick(0.99) }));
await agent.close();
