/**
 * SQLite WAL checkpoints off the request path. With SQLite's default
 * (`wal_autocheckpoint=1000`), the commit that takes the WAL past 1000 pages
 * also copies it into the database file and syncs both, inside that commit,
 * on the event loop: about 1 request in 100 waited for it (the p99 of a
 * sequential client's deposits was ten times its p50). Here the writer's
 * autocheckpoint is off and a worker thread with its own connection runs a
 * PASSIVE checkpoint (it never waits for, nor blocks, the writer or readers)
 * at most every CHECKPOINT_EVERY_MS while commits arrive (see RESTART_AFTER_PAGES
 * for writes that never pause). SQLite restarts
 * the WAL from its beginning at the next commit after a checkpoint that
 * copied everything, so the file stays small. Durability is unchanged: a
 * commit is in the WAL (synced as SQLITE_SYNCHRONOUS says) before it is
 * acknowledged, checkpointed or not.
 *
 * The worker's code is a plain script (no TypeScript, no imports to
 * resolve), so it runs the same from the build, under tsx, and in tests.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_EVERY_MS = 200;
/**
 * A passive checkpoint that overlaps a commit leaves the newest frames for
 * the next one, so under writes without a pause the WAL is never found fully
 * copied and never starts over. Past this many pages (64 MB) the worker asks
 * for a RESTART checkpoint, which holds new commits back (they wait in
 * SQLite's busy handler) until it has copied everything.
 */
const RESTART_AFTER_PAGES = 16_384;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 10000 });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma(message === 'restart' ? 'wal_checkpoint(RESTART)' : 'wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message) });
  }
});
`;

export interface Checkpointer {
  /** Tells the worker there is something to checkpoint (cheap: call it on every commit). */
  committed(): void;
  /** Checkpoints done and failed so far (for tests and operators). */
  readonly stats: { checkpoints: number; failures: number; lastError?: string };
  /** Stops the timer and the worker (after the checkpoint under way, if any). */
  close(): Promise<void>;
}

export function startCheckpointer(path: string, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver } });
  // The worker never keeps the process alive by itself; the store's close ends it.
  worker.unref();
  const stats: Checkpointer['stats'] = { checkpoints: 0, failures: 0 };
  let dirty = false;
  let running = false;
  let walPages = 0;
  worker.on('message', (message: { ok: boolean; error?: string; result?: { log: number } }) => {
    running = false;
    walPages = message.result?.log ?? walPages;
    if (message.ok) stats.checkpoints++;
    else {
      stats.failures++;
      stats.lastError = message.error;
    }
  });
  worker.on('error', (error) => {
    stats.failures++;
    stats.lastError = error.message;
  });
  const timer = setInterval(() => {
    if (!dirty || running) return;
    dirty = false;
    running = true;
    worker.postMessage(walPages > RESTART_AFTER_PAGES ? 'restart' : 'checkpoint');
  }, everyMs);
  timer.unref();
  let closing: Promise<void> | undefined;
  return {
    committed: () => {
      dirty = true;
    },
    stats,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        // Held while closing: a process with nothing else to do must still wait for the worker's exit.
        worker.ref();
        worker.once('exit', () => resolve());
        worker.postMessage('close');
      })),
  };
}
