/**
 * `npm run projections:rebuild [name...]`: rebuilds read models online (see
 * src/eventstore/online-rebuild.ts): each is built into shadow tables while
 * running servers keep serving the old one and appending, then switched in
 * one transaction. Safe beside running servers on either database. Without
 * names, every read model is rebuilt. Old events are upcast as servers read them.
 */
import { storeOptionsOf } from '../app.js';
import { modules } from '../modules.js';
import { loadConfig } from '../config.js';
import { openEventStore } from '../eventstore/open.js';

const config = loadConfig();
const options = storeOptionsOf(modules);
const names = process.argv.slice(2);
const unknown = names.filter((name) => !options.projections.some((projection) => projection.name === name));
if (unknown.length > 0) {
  console.error(`Unknown projection: ${unknown.join(', ')} (known: ${options.projections.map((p) => p.name).join(', ')})`);
  process.exit(2);
}
const store = await openEventStore({ databaseUrl: config.databaseUrl, ...options, poolSize: 4 });
try {
  for (const name of names.length > 0 ? names : options.projections.map((projection) => projection.name)) {
    const started = Date.now();
    const result = await store.rebuildProjection(name);
    console.log(`${name}: ${result.events} events replayed, switched at position ${result.position}, in ${Date.now() - started} ms`);
  }
} finally {
  await store.close();
}
