/**
 * PostgreSQL wake-ups across processes: every append transaction sends
 * NOTIFY on CHANNEL (delivered only if it commits; see the event store's
 * `notifyChannel`), and each process LISTENs on one dedicated connection.
 * A notification only wakes the log tailer; if the connection drops, it is
 * re-opened and the tailer's fallback poll covers the gap.
 */
import pg from 'pg';

export const CHANNEL = 'ledger_log';

export interface Listener {
  close(): Promise<void>;
}

export function listenForCommits(databaseUrl: string, onCommit: () => void, onError: (error: unknown) => void): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (delay: number): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', () => onCommit());
    next.on('error', (error) => {
      onError(error);
      reconnect(next, delay);
    });
    next.on('end', () => reconnect(next, delay));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      client = next;
      // Anything committed while we were not listening is read now.
      onCommit();
    } catch (error) {
      onError(error);
      reconnect(next, delay);
    }
  };

  const reconnect = (dead: pg.Client, delay: number) => {
    if (closed || retry || (client !== undefined && client !== dead)) return;
    client = undefined;
    dead.removeAllListeners('end');
    void dead.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = undefined;
      void connect(Math.min(delay * 2, 5_000));
    }, delay);
    retry.unref();
  };

  void connect(100);
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
