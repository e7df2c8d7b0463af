/** Reads the configuration, opens the store, serves; SIGTERM/SIGINT drain and exit. */
import { createApp } from './app.js';
import { modules } from './modules.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, flushLogs } from './observability/logger.js';
import { TracingConfigError, startTracing } from './observability/tracing.js';
import { startServer } from './server/http.js';

function authMode(config: Config): string {
  if (!config.auth) return 'none: open server, every caller may do everything (set AUTH_JWT_SECRET or AUTH_JWKS_URL)';
  return config.auth.jwtSecret !== undefined ? 'JWT HS256 (AUTH_JWT_SECRET)' : `JWT RS256/ES256 from ${config.auth.jwksUrl}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Nothing of OpenTelemetry is loaded unless the OTEL_* variables ask for tracing.
  const tracer = await startTracing();
  const log = createLogger(config.logLevel, undefined, tracer.enabled ? tracer.logFields : undefined);
  tracer.onError((detail) => log.warn({ detail }, 'tracing: span export failed or the SDK reported an error'));
  const app = await createApp(config, modules, { log, tracer });
  const server = await startServer(app, { port: config.port, host: config.host });
  const database = config.databaseUrl.startsWith('file:') ? `SQLite ${config.databaseUrl}` : 'PostgreSQL';
  log.info({ url: server.url, ws: server.wsUrl, database, auth: authMode(config), tracing: tracer.enabled }, 'listening');
  if (!config.auth) log.warn('authentication is off: anyone who can reach this port can read and write every stream');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    const exit = (code: number) => flushLogs(log, () => process.exit(code));
    const deadline = setTimeout(() => {
      log.error('drain timed out');
      exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    server.close().then(
      async () => {
        // Spans still buffered are exported before the process ends.
        await tracer.shutdown().catch((error: unknown) => log.error({ err: error }, 'trace export failed'));
        log.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'drain failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // One line a person can act on: the bad variable, or why the store did not open.
  if (error instanceof ConfigError || error instanceof TracingConfigError) console.error(error.message);
  else console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
