/**
 * A fresh database per test file, on each backend switched on:
 * SQLite always (a temporary file), PostgreSQL when TEST_POSTGRES_URL is set
 * (a new database on that server, dropped afterwards), migrated the same way
 * production is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { IN_CI, MARKERS } from './ci.js';

export type Backend = 'sqlite' | 'postgresql';

export interface TestDatabase {
  readonly backend: Backend;
  readonly url: string;
  drop(): Promise<void>;
}

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL;

/** CI must run the PostgreSQL suites: without their database every database test fails here, at once. */
if (IN_CI && !POSTGRES_URL) throw new Error('CI is set but TEST_POSTGRES_URL is not: the PostgreSQL suites would not run. Set it (see .ci/run).');

/** Backends the suite runs on. */
export const backends: Backend[] = POSTGRES_URL ? ['sqlite', 'postgresql'] : ['sqlite'];

/** Tells the run's global setup that a database was made (it fails CI runs where PostgreSQL never was). */
function report(backend: Backend, name: string): void {
  const dir = process.env[MARKERS];
  if (dir) writeFileSync(join(dir, `${backend}-${name}`), '');
}

export async function createDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    report(backend, randomBytes(6).toString('hex'));
    const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
    return {
      backend,
      url: `file:${join(dir, 'test.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
  const name = `ledger_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  report(backend, name);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    backend,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
