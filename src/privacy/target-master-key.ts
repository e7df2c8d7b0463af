/**
 * The master key on the receiving side of a log import or copy. People's
 * data keys travel wrapped: they open only with the master keys that wrapped
 * them. So before a single row is written on the target, the target's master
 * key source (what a server on it will use: LEDGER_MASTER_KEY with
 * LEDGER_MASTER_KEY_PREVIOUS, else on SQLite its key file) must know every
 * one of them; and a SQLite target with neither gets the source's key file
 * copied next to it (mode 0600).
 */
import { existsSync, linkSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dialectOf, sqlitePath } from '../eventstore/migrate.js';
import { keyFileOf } from './index.js';
import { ConfigError, masterKeysOf } from '../config.js';
import { readKeyFile, writeKeyFile } from './master-key.js';
import { masterKeyId } from './seal.js';

export class MasterKeyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyMismatchError';
  }
}

export interface TargetKeyCheck {
  /** The target database's URL. */
  readonly targetUrl: string;
  /** Ids of the master keys that wrapped the data keys moving to it (none: nothing to check). */
  readonly wrappedBy: readonly string[];
  /** LEDGER_MASTER_KEY and LEDGER_MASTER_KEY_PREVIOUS as the target's servers will have them. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A key file for a SQLite target that has none: given by the operator (`explicit`), or the SQLite source's own. */
  readonly keyFile?: { readonly path: string; readonly explicit: boolean };
  /** Where the source's master key is, for the messages (see `sourceKeyHint`). */
  readonly sourceHint: string;
}

export interface TargetKeyPlan {
  /** What the target's master key comes from. */
  readonly from: 'LEDGER_MASTER_KEY' | 'key file' | 'none needed';
  /** A key file to copy next to the target (`installKeyFile`) before the import writes. */
  readonly install?: { readonly from: string; readonly to: string };
}

/** Where the source's master key is, as the operator will look for it. */
export function sourceKeyHint(source: { dialect: string; database: string }): string {
  return source.dialect === 'sqlite'
    ? `the 64 hex digits in the source's key file ${sqlitePath(source.database)}.master-key, its first such line; any further ones in LEDGER_MASTER_KEY_PREVIOUS, comma-separated; or the source's LEDGER_MASTER_KEY if it ran with one`
    : `the source's LEDGER_MASTER_KEY`;
}

function envKeys(env: TargetKeyCheck['env']): Buffer[] | undefined {
  try {
    const keys = masterKeysOf(env);
    return keys && [keys.current, ...keys.previous];
  } catch (error) {
    // The same rule and words as a server's start, as this import's one-line refusal.
    if (error instanceof ConfigError) throw new MasterKeyMismatchError(error.message.replace(/^Invalid configuration: /, ''));
    throw error;
  }
}

const ids = (keys: readonly Buffer[]) => new Set(keys.map(masterKeyId));
const missing = (wrappedBy: readonly string[], known: ReadonlySet<string>) => wrappedBy.filter((id) => !known.has(id));

/** Refuses (MasterKeyMismatchError, one line) a target whose master key cannot open the keys moving to it; says what to copy where. Writes nothing. */
export function planTargetMasterKey(check: TargetKeyCheck): TargetKeyPlan {
  const { targetUrl, wrappedBy, keyFile, sourceHint } = check;
  const fromEnv = envKeys(check.env);
  const setEnv = `set LEDGER_MASTER_KEY to the source's master key (${sourceHint})`;
  if (fromEnv) {
    if (keyFile?.explicit) throw new MasterKeyMismatchError('--master-key-file is for a SQLite target without LEDGER_MASTER_KEY: LEDGER_MASTER_KEY is set, so it is the target\'s master key');
    const unknown = missing(wrappedBy, ids(fromEnv));
    if (unknown.length > 0) {
      // Some keys open (a rotation the source has not finished): the others' master keys go in LEDGER_MASTER_KEY_PREVIOUS.
      const some = wrappedBy.length > unknown.length;
      const given = fromEnv.map(masterKeyId).join(', ');
      throw new MasterKeyMismatchError(
        some
          ? `People's data keys in the log are wrapped by master keys ${wrappedBy.join(', ')} (a key rotation not finished on the source), but LEDGER_MASTER_KEY and LEDGER_MASTER_KEY_PREVIOUS give only ${given}: put the source's older master key (${unknown.join(', ')}) in LEDGER_MASTER_KEY_PREVIOUS (${sourceHint}), then run again`
          : `People's data keys in the log are wrapped by master key ${unknown.join(', ')}, but LEDGER_MASTER_KEY is key ${masterKeyId(fromEnv[0]!)}: ${setEnv}, then run again`,
      );
    }
    return { from: 'LEDGER_MASTER_KEY' };
  }
  if (dialectOf(targetUrl) === 'postgresql') {
    if (keyFile?.explicit) throw new MasterKeyMismatchError(`--master-key-file is for a SQLite target: on PostgreSQL ${setEnv}`);
    if (wrappedBy.length > 0) throw new MasterKeyMismatchError(`A PostgreSQL target needs LEDGER_MASTER_KEY to read people's data keys (wrapped by master key ${wrappedBy.join(', ')}): ${setEnv}, then run again`);
    return { from: 'none needed' };
  }
  const targetFile = keyFileOf(targetUrl);
  if (existsSync(targetFile)) {
    const known = ids(readKeyFile(targetFile));
    // Running the same command again (a resumed import) finds the file it copied: that is fine.
    if (keyFile?.explicit && missing([...ids(readKeyFile(keyFile.path))], known).length > 0) {
      throw new MasterKeyMismatchError(`The target already has a master key file ${targetFile}, with another key than ${keyFile.path}: remove --master-key-file, or move the target's key file away if the target is new`);
    }
    const unknown = missing(wrappedBy, known);
    if (unknown.length > 0) {
      throw new MasterKeyMismatchError(
        `People's data keys in the log are wrapped by master key ${unknown.join(', ')}, but the target's key file ${targetFile} holds key ${[...known].join(', ')}: replace it with the source's key file (or ${setEnv}), then run again`,
      );
    }
    return { from: 'key file' };
  }
  if (keyFile) {
    const unknown = missing(wrappedBy, ids(readKeyFile(keyFile.path)));
    if (unknown.length > 0) throw new MasterKeyMismatchError(`People's data keys in the log are wrapped by master key ${unknown.join(', ')}, which ${keyFile.path} does not hold: give the source's key file, or ${setEnv}`);
    return { from: 'key file', install: { from: keyFile.path, to: targetFile } };
  }
  if (wrappedBy.length > 0) {
    throw new MasterKeyMismatchError(
      `People's data keys in the log are wrapped by master key ${wrappedBy.join(', ')} and the target has no master key: give the source's key file with --master-key-file PATH (it is copied to ${targetFile}), or ${setEnv}`,
    );
  }
  return { from: 'none needed' };
}

/** Copies a key file into place with mode 0600; never over an existing one. */
export function installKeyFile(from: string, to: string): void {
  const keys = readKeyFile(from);
  const temporary = `${to}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeKeyFile(temporary, keys);
  try {
    linkSync(temporary, to);
  } finally {
    unlinkSync(temporary);
  }
}
