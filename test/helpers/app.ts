/** Builds apps and servers on a test database, the way main.ts does. */
import { createApp, type App } from '../../src/app.js';
import { modules } from '../../src/modules.js';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/http.js';

export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): Config {
  // Quiet logs, and no per-client limits unless a test sets them: test clients all come from one address.
  return loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'silent', MUTATION_RATE_LIMIT: '0', MAX_CONNECTIONS_PER_CLIENT: '100000', ...overrides });
}

export async function startTestServer(databaseUrl: string, overrides: Record<string, string> = {}): Promise<{ app: App; server: RunningServer }> {
  const app = await createApp(testConfig(databaseUrl, overrides), modules);
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  return { app, server };
}
