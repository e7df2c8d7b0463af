/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (the server also does this at start). */
import { loadConfig } from '../config.js';
import { migrate } from '../eventstore/migrate.js';

const config = loadConfig();
const applied = await migrate(config.databaseUrl);
console.log(applied.length === 0 ? 'Database is up to date' : `Applied: ${applied.join(', ')}`);
