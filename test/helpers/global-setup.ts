/**
 * The PostgreSQL suites must not vanish silently. In CI (CI set), the run
 * fails when test files made SQLite databases but none made a PostgreSQL one
 * (the suites did not run); databases.ts already fails every database test
 * at once when TEST_POSTGRES_URL is missing. Test files report the databases
 * they make as marker files in a folder shared through LEDGER_TEST_MARKERS.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IN_CI, MARKERS } from './ci.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-test-markers-'));
  process.env[MARKERS] = dir;
  return () => {
    const made = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    const count = (backend: string) => made.filter((name) => name.startsWith(`${backend}-`)).length;
    if (IN_CI && count('sqlite') > 0 && count('postgresql') === 0) {
      // Vitest reports an error thrown here but still exits 0: set the exit code as well.
      process.exitCode = 1;
      throw new Error(`CI is set but no PostgreSQL database was made while ${count('sqlite')} SQLite ones were: the PostgreSQL suites did not run.`);
    }
  };
}
