/**
 * The master key of a backup: reachable, but kept apart. A backup holds
 * people's data keys wrapped by the master key, so it is unreadable without
 * that key, and a leaked backup together with it opens the data of everyone
 * forgotten after the backup was taken. So `db:backup` writes the key file of
 * a SQLite database beside the backup as a file of its own (never inside it),
 * and says to store it elsewhere; a key given in LEDGER_MASTER_KEY (always on
 * PostgreSQL) is never written anywhere.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dialectOf } from '../eventstore/migrate.js';
import { keyFileOf } from './index.js';
import { installKeyFile } from './target-master-key.js';

const APART = 'Store it apart from the backup: a leaked backup together with its master key opens the personal data of everyone forgotten after the backup was taken.';

/** Where `backupMasterKey` will write the key file of a backup, if anywhere: checked before the backup is taken (never over an existing file). */
export function backupKeyFileOf(databaseUrl: string, backupFile: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (dialectOf(databaseUrl) === 'postgresql' || env.LEDGER_MASTER_KEY || !existsSync(keyFileOf(databaseUrl))) return undefined;
  return `${resolve(backupFile)}.master-key`;
}

/** Copies the key file beside a SQLite backup (`<backup>.master-key`, mode 0600) when the database has one; the lines to tell the operator. */
export function backupMasterKey(databaseUrl: string, backupFile: string, env: Readonly<Record<string, string | undefined>>): string[] {
  if (dialectOf(databaseUrl) === 'postgresql' || env.LEDGER_MASTER_KEY) {
    return [`The master key is not in the backup: it is LEDGER_MASTER_KEY, and a restored database needs the same one (with LEDGER_MASTER_KEY_PREVIOUS during a rotation). ${APART}`];
  }
  const keyFile = keyFileOf(databaseUrl);
  if (!existsSync(keyFile)) return ['The database has no master key file yet (no server started on it since personal data is encrypted): nothing to keep beside the backup.'];
  const copy = `${backupFile}.master-key`;
  installKeyFile(keyFile, copy);
  return [
    `Master key file written to ${copy} (mode 0600): the backup cannot be read without it. ${APART}`,
    `To restore: put the backup in place of the database and this file beside it as <database>.master-key (see README, Backups).`,
  ];
}
