/**
 * `npm run keys:rotate`: re-wraps every person's data key with a new master
 * key while servers keep serving (README, "Personal data").
 *
 * - With LEDGER_MASTER_KEY: it is the new key, and LEDGER_MASTER_KEY_PREVIOUS
 *   the old one(s). Give every server the same two variables first (they read
 *   with either and wrap new keys with the new one), run this, then drop
 *   LEDGER_MASTER_KEY_PREVIOUS at the next restart.
 * - SQLite without it: a new key goes into the key file next to the database
 *   (the running server picks it up by itself) and the old one is dropped.
 */
import { loadConfig } from '../config.js';
import { migrate } from '../eventstore/migrate.js';
import { openKeyTable } from '../privacy/key-table.js';
import { keyFileOf } from '../privacy/index.js';
import { rewrapAll, rotateKeyFile } from '../privacy/rotate.js';

const config = loadConfig();
await migrate(config.databaseUrl);
const table = openKeyTable(config.databaseUrl);
try {
  const started = Date.now();
  const result = config.masterKey
    ? await rewrapAll(table, [config.masterKey.current, ...config.masterKey.previous], config.masterKey.current)
    : await rotateKeyFile(table, keyFileOf(config.databaseUrl));
  console.log(`Re-wrapped ${result.rewrapped} data keys with master key ${result.masterKeyId} in ${result.passes} passes, ${Date.now() - started} ms`);
} catch (error) {
  console.error(`Key rotation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await table.close();
}
