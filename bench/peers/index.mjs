// The peers' entry points, resolved from this folder's own node_modules (see bench/peers.ts).
export { getSQLiteEventStore, sqliteConnection } from '@event-driven-io/emmett-sqlite';
export { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
