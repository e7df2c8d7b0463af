/** Builds apps and servers on a test database, the way main.ts does. */
import { createApp, type App } from '../../src/app.js';
import { modules } from '../../src/modules.js';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/http.js';
import { keyFileOf } from '../../src/privacy/index.js';
import { readKeyFile } from '../../src/privacy/master-key.js';

/** The master key of test databases on PostgreSQL (SQLite ones use the key file made next to the database). */
export const TEST_MASTER_KEY = '5e'.repeat(32);

/** LEDGER_MASTER_KEY for a database that needs one (PostgreSQL), unless the environment already has one. */
export const masterKeyEnv = (databaseUrl: string | undefined, env: Record<string, string | undefined> = {}): Record<string, string> =>
  databaseUrl?.startsWith('postgres') && !env.LEDGER_MASTER_KEY ? { LEDGER_MASTER_KEY: TEST_MASTER_KEY } : {};

/** The master key a test database's data keys are wrapped with, as LEDGER_MASTER_KEY would give it: PostgreSQL's, or the SQLite key file's. */
export const masterKeyHexOf = (databaseUrl: string): string => (databaseUrl.startsWith('file:') ? readKeyFile(keyFileOf(databaseUrl))[0]!.toString('hex') : TEST_MASTER_KEY);

/** The defaults (no per-client limits: test clients all come from one address), quiet logs, a free port. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'silent', ...masterKeyEnv(databaseUrl, overrides), ...overrides });
}

export async function startTestServer(databaseUrl: string, overrides: Record<string, string> = {}): Promise<{ app: App; server: RunningServer }> {
  const app = await createApp(testConfig(databaseUrl, overrides), modules);
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  return { app, server };
}
