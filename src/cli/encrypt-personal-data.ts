/**
 * `npm run personal-data:encrypt`: seals, in place, the personal data a
 * release before personal-data encryption wrote in plaintext (events and
 * snapshots). Safe to run while servers serve, and to run again. README,
 * "Personal data".
 */
import { catalogOf } from '../app.js';
import { modules } from '../modules.js';
import { loadConfig } from '../config.js';
import { migrate } from '../eventstore/migrate.js';
import { DataKeys } from '../privacy/data-keys.js';
import { encryptExisting } from '../privacy/encrypt-existing.js';
import { masterKeySource } from '../privacy/index.js';
import { openKeyTable } from '../privacy/key-table.js';
import { MasterKeys } from '../privacy/master-key.js';

const config = loadConfig();
await migrate(config.databaseUrl);
const table = openKeyTable(config.databaseUrl);
try {
  const ids = await table.masterKeyIds();
  const master = new MasterKeys(masterKeySource(config, { hasKeys: () => ids.length > 0 }));
  const snapshots = new Map(modules.flatMap((module) => (module.personalSnapshot ? [[module.decider.streamType, module.personalSnapshot] as const] : [])));
  const started = Date.now();
  const result = await encryptExisting(config.databaseUrl, catalogOf(modules), snapshots, new DataKeys(table, master, config.dataKeyCacheSize));
  console.log(`Sealed the personal data of ${result.events} events and ${result.snapshots} snapshots in ${Date.now() - started} ms`);
} catch (error) {
  console.error(`Encrypting personal data failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await table.close();
}
