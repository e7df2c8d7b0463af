/**
 * A load generator, run as its own process: K keep-alive connections on raw
 * sockets, each sending one GraphQL operation in a loop for a bounded time
 * (one request in flight per connection). Raw sockets rather than an HTTP
 * client library: the generator shares the two cores with the server, and
 * undici cost about as much CPU per request as a plain node:http server, which
 * hid the ceiling being measured. Requests are built once; a response is read
 * by its Content-Length (or chunked encoding).
 * Prints one JSON line: { count, errors, seconds, p50, p99 } (latencies in ms).
 *
 * argv: url concurrency seconds kind [token]
 *   kind: typename | deposit | transfer | account | travel:<stream>:<length>
 * Deposits go to accounts bench-0 .. bench-{K-1} (one per client), which must exist;
 * transfers move 0.01 from bench-<client> to sink-<client>, which must exist too.
 * `travel` asks one account's state at a random version (1..length) per request.
 */
import { connect, type Socket } from 'node:net';

const [url, concurrencyText, secondsText, kind, token] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const concurrency = Number(concurrencyText);
const seconds = Number(secondsText);
const target = new URL(url);

function operation(client: number): { query: string; variables?: Record<string, unknown> } {
  switch (kind) {
    case 'typename':
      return { query: '{ __typename }' };
    case 'account':
      return { query: 'query($id: ID!) { account(id: $id) { id balance version } }', variables: { id: `bench-${client}` } };
    case 'deposit':
      return {
        query: 'mutation($id: ID!) { deposit(input: {accountId: $id, amount: "1.00"}) { account { balance version } } }',
        variables: { id: `bench-${client}` },
      };
    case 'transfer':
      return {
        query: 'mutation($from: ID!, $to: ID!) { transfer(input: {fromAccountId: $from, toAccountId: $to, amount: "0.01"}) { fromAccount { balance version } } }',
        variables: { from: `bench-${client}`, to: `sink-${client}` },
      };
    default: {
      const [name, stream, length] = kind.split(':');
      if (name === 'travel' && stream && length) {
        return { query: 'query($id: ID!, $v: Int) { account(id: $id, version: $v) { balance version } }', variables: { id: stream, v: 1 + Math.floor(Math.random() * Number(length)) } };
      }
      throw new Error(`unknown kind ${kind}`);
    }
  }
}

function request(client: number): Buffer {
  const body = JSON.stringify(operation(client));
  const head = [
    `POST ${target.pathname} HTTP/1.1`,
    `host: ${target.host}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    ...(token ? [`authorization: Bearer ${token}`] : []),
    '',
    '',
  ].join('\r\n');
  return Buffer.from(head + body);
}

interface Response {
  status: number;
  body: string;
}

/** Reads HTTP/1.1 responses off one socket, one at a time. */
class ResponseReader {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((response: Response) => void) | undefined;
  private failed: ((error: Error) => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.pump();
    });
    const fail = () => this.failed?.(new Error('connection closed'));
    socket.on('close', fail);
    socket.on('error', fail);
  }

  next(): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.waiting) return;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body: string;
    let consumed: number;
    if (length) {
      consumed = end + 4 + Number(length[1]);
      if (this.buffer.length < consumed) return;
      body = this.buffer.subarray(end + 4, consumed).toString();
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = this.buffer.indexOf('\r\n', at);
        if (line < 0) return;
        const size = parseInt(this.buffer.subarray(at, line).toString('latin1'), 16);
        if (this.buffer.length < line + 2 + size + 2) return;
        parts.push(this.buffer.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
        if (size === 0) break;
      }
      consumed = at;
      body = Buffer.concat(parts).toString();
    } else {
      throw new Error(`response without length: ${head}`);
    }
    this.buffer = this.buffer.subarray(consumed);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve({ status, body });
  }
}

async function open(): Promise<{ socket: Socket; reader: ResponseReader }> {
  const socket = connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port) });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, reader: new ResponseReader(socket) };
}

const latencies: number[] = [];
let errors = 0;
let sample = '';
const started = performance.now();
const deadline = started + seconds * 1000;
const fixed = !kind.startsWith('travel');
await Promise.all(
  Array.from({ length: concurrency }, async (_, client) => {
    let connection = await open();
    const payload = request(client);
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        connection.socket.write(fixed ? payload : request(client));
        const response = await connection.reader.next();
        if (response.status !== 200 || response.body.includes('"errors"')) {
          errors++;
          sample ||= `${response.status} ${response.body.slice(0, 300)}`;
        }
      } catch {
        errors++;
        connection.socket.destroy();
        connection = await open();
      }
      latencies.push(performance.now() - t0);
    }
    connection.socket.end();
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
if (sample) process.stderr.write(`load: first error: ${sample}\n`);
console.log(JSON.stringify({ count: latencies.length, errors, seconds: elapsed, p50: pick(0.5), p99: pick(0.99) }));
process.exit(0);
