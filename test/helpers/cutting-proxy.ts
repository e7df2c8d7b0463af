/**
 * A TCP proxy in front of PostgreSQL that can cut a connection at the worst
 * moment: right after forwarding a chosen statement (a COMMIT, or the
 * one-statement append), before the server's answer comes back. The server
 * receives the statement whole and carries it out; the client only sees its
 * connection drop, so it cannot know whether the statement took effect.
 *
 * It reads the frontend protocol just enough to find statements: simple
 * queries ('Q'), and Parse/Bind of the extended protocol (named prepared
 * statements are remembered per connection, as the server does).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CuttingProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string;
  /**
   * Cut the next connection that sends a statement whose text matches;
   * resolves with the statement once it was cut. With `thenRefuse` the
   * database becomes unreachable at that moment: every other connection
   * drops, and new ones are refused until `accept()`.
   */
  cutAfter(statement: RegExp, options?: { thenRefuse?: boolean }): Promise<string>;
  accept(): void;
  close(): Promise<void>;
}

export async function startCuttingProxy(upstream: { host: string; port: number }): Promise<CuttingProxy> {
  let armed: { pattern: RegExp; done: (text: string, client: Socket) => void } | undefined;
  let refusing = false;
  const sockets = new Set<Socket>();
  /** Drops every connection but the one being cut (whose statement the server must still receive). */
  const dropOthers: Array<(keep: Socket) => void> = [];

  const listener: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const server = connect(upstream.port, upstream.host);
    sockets.add(client).add(server);
    dropOthers.push((keep) => keep !== client && (client.destroy(), server.destroy()));
    const statements = new Map<string, string>();
    let buffer = Buffer.alloc(0);
    let started = false;
    let pendingCut: { text: string; done: (text: string, client: Socket) => void } | undefined;
    let cut = false;
    const stop = () => {
      client.destroy();
      server.destroy();
    };
    server.on('data', (chunk) => !cut && client.write(chunk));
    server.on('error', stop);
    client.on('error', stop);
    server.on('close', () => client.destroy());
    client.on('close', () => !cut && server.destroy());

    const cutNow = (target: { text: string; done: (text: string, client: Socket) => void }) => {
      cut = true;
      // The server reads the statement, carries it out, then finds the connection closed.
      server.end();
      client.destroy();
      target.done(target.text, client);
    };
    /** Forwards one message; cuts the connection once an armed statement has been sent to run. */
    const forward = (message: Buffer, type: string, text?: string) => {
      if (cut) return;
      server.write(message);
      if (armed && text !== undefined && armed.pattern.test(text)) {
        const target = { text, done: armed.done };
        armed = undefined;
        // A simple query runs as it arrives; an extended one at the Sync that follows.
        if (type === 'Q') cutNow(target);
        else pendingCut = target;
      } else if (type === 'S' && pendingCut) cutNow(pendingCut);
    };

    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          // The startup message (an SSL or GSS request would come first; the tests' client sends none).
          started = true;
          server.write(message);
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1) + 1;
        if (buffer.length < length) return;
        const message = Buffer.from(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        const type = String.fromCharCode(message[0]!);
        const strings = message.subarray(5).toString('utf8').split('\u0000');
        if (type === 'P') statements.set(strings[0]!, strings[1]!);
        forward(message, type, type === 'Q' ? strings[0] : type === 'B' ? statements.get(strings[1]!) : undefined);
      }
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  return {
    url: (databaseUrl) => {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    cutAfter: (pattern, options = {}) =>
      new Promise((resolve) => {
        armed = {
          pattern,
          done: (text, client) => {
            if (options.thenRefuse) {
              refusing = true;
              for (const drop of dropOthers) drop(client);
            }
            resolve(text);
          },
        };
      }),
    accept: () => {
      refusing = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
