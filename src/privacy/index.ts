/**
 * Personal data at rest, for the whole app: the master key, the table of
 * data keys, and the codec the store reads and writes through. Nothing here
 * names an aggregate: the event catalog says which fields are personal, the
 * modules say which parts of their snapshots are.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, MASTER_KEY_FORMAT, type Config } from '../config.js';
import type { EventCatalog, PersonalFields } from '../domain/event-types.js';
import { sqlitePath } from '../eventstore/migrate.js';
import type { PrismaEventStore } from '../eventstore/prisma-store.js';
import type { Logger } from '../observability/logger.js';
import { PersonalDataCodec } from './codec.js';
import { DataKeys } from './data-keys.js';
import { openKeyTable, type KeyTable } from './key-table.js';
import { MasterKeys, ensureKeyFile, keyFileIsOpen, type MasterKeySource } from './master-key.js';

export interface Privacy {
  readonly codec: PersonalDataCodec;
  readonly keys: DataKeys;
  readonly master: MasterKeys;
  /**
   * Called after a forget committed, before it is answered: old copies of the destroyed key leave the
   * database files where the database allows it (SQLite's WAL). Never fails the forget: logs instead.
   */
  eraseRemnants(): Promise<void>;
  close(): Promise<void>;
}

/** How long a forget waits for the WAL to be truncated before it answers (then it is done in the background). */
const ERASE_WAIT_MS = 500;

/** The key file of a SQLite database: next to it, named after it. */
export const keyFileOf = (databaseUrl: string): string => `${sqlitePath(databaseUrl)}.master-key`;

/** Where the master key comes from: the environment, else (SQLite) the key file, made when there is none yet. */
export function masterKeySource(config: Config, table: { hasKeys(): boolean } | undefined, log?: Logger): MasterKeySource {
  if (config.masterKey) return { kind: 'env', ...config.masterKey };
  // Several processes share a PostgreSQL database, and no file is next to it: the key comes from the environment.
  if (!config.databaseUrl.startsWith('file:')) {
    throw new ConfigError('LEDGER_MASTER_KEY', `must be set on PostgreSQL (${MASTER_KEY_FORMAT}): personal data is encrypted with it`);
  }
  const path = keyFileOf(config.databaseUrl);
  // A new key for a database whose data keys were wrapped by another would make all of it unreadable.
  if (!existsSync(path) && table?.hasKeys()) {
    throw new Error(
      `the master key file ${path} is missing but the database holds people's data keys: copy the key file of its backup (FILE.master-key, written by npm run db:backup beside FILE) or of its source database to ${path}, or set LEDGER_MASTER_KEY to the key it held`,
    );
  }
  if (ensureKeyFile(path)) {
    log?.warn({ keyFile: path, directory: dirname(path) }, 'created the master key file (mode 0600): back it up apart from the database; without it personal data cannot be read');
  } else {
    log?.info({ keyFile: path }, 'master key from the key file');
    // A file restored from a backup or copied by hand may have lost its mode: say so (the server still starts).
    if (keyFileIsOpen(path)) log?.warn({ keyFile: path }, 'the master key file can be read by other users than its owner: chmod 600 it');
  }
  return { kind: 'file', path };
}

const shared = new WeakMap<PrismaEventStore, Privacy>();

/**
 * Seals the store's personal data from now on. Refuses to start (a one-line
 * error) when the master key cannot unwrap the keys the database holds.
 * Apps sharing one store share its privacy too.
 */
export async function openPrivacy(config: Config, store: PrismaEventStore, catalog: EventCatalog, snapshots: ReadonlyMap<string, PersonalFields>, log?: Logger): Promise<Privacy> {
  const existing = shared.get(store);
  if (existing) return existing;
  const table = openKeyTable(config.databaseUrl);
  try {
    const ids = await table.masterKeyIds();
    const master = new MasterKeys(masterKeySource(config, { hasKeys: () => ids.length > 0 }, log));
    const unknown = ids.filter((id) => !master.byIdOf(id));
    if (unknown.length > 0) {
      throw new Error(
        `the master key (id ${master.id}) is not the one people's data keys were wrapped with (id ${unknown.join(', ')}): set LEDGER_MASTER_KEY to that key, or give it in LEDGER_MASTER_KEY_PREVIOUS while a rotation is under way`,
      );
    }
    const keys = new DataKeys(table, master, config.dataKeyCacheSize);
    const codec = new PersonalDataCodec(catalog, snapshots, keys);
    store.useCodec(codec);
    let closing: Promise<void> | undefined;
    let retry: NodeJS.Timeout | undefined;
    const attempt = (withinMs: number) =>
      table.eraseRemnants(withinMs).catch((error: unknown) => {
        log?.error({ err: error }, 'could not truncate the WAL after a forget');
        return false;
      });
    // A long reader (an export's snapshot, say) can hold the WAL for minutes: the forget is answered after a
    // short wait, and the truncation is tried again in the background, every second, until it is done.
    const retryLater = () => {
      if (retry || closing) return;
      retry = setTimeout(async () => {
        retry = undefined;
        if (!closing && !(await attempt(100))) retryLater();
      }, 1_000);
      retry.unref();
    };
    const eraseRemnants = async () => {
      if (await attempt(ERASE_WAIT_MS)) return;
      log?.warn('the WAL still holds old pages after a forget (a reader is in the way): truncating it again every second until it can');
      retryLater();
    };
    const close = () => {
      clearTimeout(retry);
      return (closing ??= table.close());
    };
    const privacy: Privacy = { codec, keys, master, eraseRemnants, close };
    shared.set(store, privacy);
    return privacy;
  } catch (error) {
    await table.close();
    throw error;
  }
}

export type { KeyTable };
