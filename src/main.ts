/** Reads the configuration, opens the store, serves; SIGTERM/SIGINT drain and exit. */
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server/http.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const server = await startServer(app, { port: config.port, host: config.host });
  const database = config.databaseUrl.startsWith('file:') ? `SQLite ${config.databaseUrl}` : 'PostgreSQL';
  console.log(JSON.stringify({ level: 'info', msg: 'listening', url: server.url, ws: server.wsUrl, database, auth: 'none (open server)' }));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ level: 'info', msg: 'draining', signal }));
    const deadline = setTimeout(() => {
      console.error(JSON.stringify({ level: 'error', msg: 'drain timed out' }));
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(JSON.stringify({ level: 'error', msg: 'drain failed', error: String(error) }));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
