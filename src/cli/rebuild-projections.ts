/**
 * `npm run projections:rebuild [name...]`: empties read models and replays the
 * whole log through them, each in one transaction (readers see the old rows
 * until it commits). Without names, every projection is rebuilt.
 */
import { projectionsOf } from '../app.js';
import { modules } from '../modules.js';
import { loadConfig } from '../config.js';
import { openEventStore } from '../eventstore/open.js';

const config = loadConfig();
const projections = projectionsOf(modules);
const names = process.argv.slice(2);
const unknown = names.filter((name) => !projections.some((projection) => projection.name === name));
if (unknown.length > 0) {
  console.error(`Unknown projection: ${unknown.join(', ')} (known: ${projections.map((p) => p.name).join(', ')})`);
  process.exit(2);
}
const store = await openEventStore({ databaseUrl: config.databaseUrl, projections, poolSize: 2 });
try {
  for (const name of names.length > 0 ? names : projections.map((projection) => projection.name)) {
    const started = Date.now();
    const result = await store.rebuildProjection(name);
    console.log(`${name}: ${result.events} events replayed up to position ${result.position} in ${Date.now() - started} ms`);
  }
} finally {
  await store.close();
}
