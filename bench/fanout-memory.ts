/**
 * Memory an idle subscriber costs a server, run as its own process with
 * --expose-gc so both readings are taken after a full collection:
 *   ledger  the built server (dist/, as `npm start` runs it) in this process,
 *           N eventAppended subscribers connected from a child process
 *   raw     a plain `ws` server in this process, N plain sockets
 * Prints { heapKB, rssKB } per subscriber (JS heap, resident set).
 *
 *   node --expose-gc --import tsx bench/fanout-memory.ts ledger|raw <count> [databaseUrl]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const [kind, countText, databaseUrl] = process.argv.slice(2) as [string, string, string | undefined];
const count = Number(countText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 500));
  gc();
  gc();
  return process.memoryUsage();
};

function clients(mode: 'graphql' | 'raw', url: string): Promise<() => void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fanout-clients.ts', mode, String(count), '1', url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(() => child.kill('SIGTERM'))));
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 100));
}

let before: NodeJS.MemoryUsage;
let after: NodeJS.MemoryUsage;
let stop: () => void;
if (kind === 'ledger') {
  const load = <T>(path: string) => import(pathToFileURL(join(ROOT, 'dist', path)).href) as Promise<T>;
  const { createApp } = await load<typeof import('../src/app.js')>('src/app.js');
  const { modules } = await load<typeof import('../src/modules.js')>('src/modules.js');
  const { loadConfig } = await load<typeof import('../src/config.js')>('src/config.js');
  const { startServer } = await load<typeof import('../src/server/http.js')>('src/server/http.js');
  const app = await createApp(loadConfig({ DATABASE_URL: databaseUrl!, PORT: '0', LOG_LEVEL: 'silent', MAX_CONNECTIONS_PER_CLIENT: '0' }), modules);
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  before = await settle();
  stop = await clients('graphql', server.wsUrl);
  await until(() => app.tailer.listenerCount === count);
  after = await settle();
} else {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  before = await settle();
  stop = await clients('raw', `ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  await until(() => wss.clients.size === count);
  after = await settle();
}
stop();
console.log(JSON.stringify({ heapKB: (after.heapUsed - before.heapUsed) / count / 1024, rssKB: (after.rss - before.rss) / count / 1024 }));
process.exit(0);
