/**
 * One catch-up subscriber, run as its own process: a graphql-ws client that
 * replays the log from position "0" until it has `expected` events, with
 * eventAppended (one message per event) or eventsAppended (batches).
 * Checks the order as it goes. Prints one JSON line: { received, seconds }.
 *
 * argv: wsUrl expected per-event|batched [maxBatch]
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [wsUrl, expectedText, form, maxBatchText] = process.argv.slice(2) as [string, string, string, string | undefined];
const expected = Number(expectedText);
const fields = 'position type streamId version data timestamp';
const query =
  form === 'batched'
    ? `subscription($m: Int) { eventsAppended(afterPosition: "0", maxBatch: $m) { caughtUp events { ${fields} } } }`
    : `subscription { eventAppended(afterPosition: "0") { ${fields} } }`;

const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
await new Promise<void>((resolve) => client.on('connected', () => resolve()));
let received = 0;
let last = 0n;
const started = performance.now();
await new Promise<void>((resolve, reject) => {
  const take = (events: Array<{ position: string }>) => {
    for (const event of events) {
      const position = BigInt(event.position);
      if (position <= last) reject(new Error(`out of order: ${position} after ${last}`));
      last = position;
    }
    received += events.length;
    if (received >= expected) resolve();
  };
  client.subscribe(
    { query, variables: { m: Number(maxBatchText ?? 1000) } },
    {
      next: (result) => {
        const data = result.data as { eventsAppended?: { events: Array<{ position: string }> }; eventAppended?: { position: string } };
        if (result.errors) reject(new Error(JSON.stringify(result.errors)));
        else take(data.eventsAppended ? data.eventsAppended.events : [data.eventAppended!]);
      },
      error: (error) => reject(new Error(JSON.stringify(error))),
      complete: () => resolve(),
    },
  );
});
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ received, seconds }));
await client.dispose();
process.exit(0);
