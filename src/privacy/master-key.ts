/**
 * The master key that wraps every person's data key. It comes from
 * LEDGER_MASTER_KEY (64 hex digits: 32 random bytes, e.g. `openssl rand -hex 32`),
 * with LEDGER_MASTER_KEY_PREVIOUS for keys not yet re-wrapped after a
 * rotation; or, on SQLite without it, from a key file next to the database,
 * made on first start with owner-only permissions (0600). The key file may
 * hold a previous key on a second line (during `npm run keys:rotate`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { MASTER_KEY_FORMAT, parseMasterKey } from '../config.js';
import { masterKeyId } from './seal.js';

export type MasterKeySource = { readonly kind: 'env'; readonly current: Buffer; readonly previous: readonly Buffer[] } | { readonly kind: 'file'; readonly path: string };

/** The master keys a process knows: the current one wraps new data keys; any of them unwraps. */
export class MasterKeys {
  private current!: Buffer;
  private currentId!: string;
  private readonly byId = new Map<string, Buffer>();
  private fileStamp = '';

  constructor(private readonly source: MasterKeySource) {
    if (source.kind === 'env') this.use(source.current, source.previous);
    else this.load();
  }

  /** The key that wraps new data keys, and its id (a key file is looked at again first: a rotation may have changed it). */
  forWrapping(): { key: Buffer; id: string } {
    this.reloadIfChanged();
    return { key: this.current, id: this.currentId };
  }

  /** The key with this id, if this process knows it (a key file is read again when it does not). */
  byIdOf(id: string): Buffer | undefined {
    const found = this.byId.get(id);
    if (found) return found;
    this.reloadIfChanged();
    return this.byId.get(id);
  }

  get id(): string {
    return this.currentId;
  }

  private use(current: Buffer, previous: readonly Buffer[]): void {
    this.current = current;
    this.currentId = masterKeyId(current);
    this.byId.clear();
    for (const key of [current, ...previous]) this.byId.set(masterKeyId(key), key);
  }

  private stamp(): string {
    if (this.source.kind !== 'file') return '';
    const stat = statSync(this.source.path);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  }

  /** Set while the key file was looked at in this turn of the event loop. */
  private lookedAt = false;

  /**
   * Reads the key file again if it changed: looked at once per turn of the
   * event loop, not once per key (the many new people of one group commit
   * share one look; a stat cost as much as wrapping the key).
   */
  private reloadIfChanged(): void {
    if (this.source.kind !== 'file' || this.lookedAt) return;
    this.lookedAt = true;
    setImmediate(() => (this.lookedAt = false)).unref();
    if (this.stamp() !== this.fileStamp) this.load();
  }

  private load(): void {
    if (this.source.kind !== 'file') return;
    this.fileStamp = this.stamp();
    const keys = readKeyFile(this.source.path);
    this.use(keys[0]!, keys.slice(1));
  }
}

/** Whether others than the file's owner may read or write it (it should be 0600, as this server makes it). */
export function keyFileIsOpen(path: string): boolean {
  return (statSync(path).mode & 0o077) !== 0;
}

/** The keys in a key file, current first; throws a one-line error naming the file when it is malformed. */
export function readKeyFile(path: string): Buffer[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const keys = lines.map((line) => parseMasterKey(line));
  if (keys.length === 0 || keys.some((key) => key === undefined)) throw new Error(`Master key file ${path} must hold ${MASTER_KEY_FORMAT}, one key a line`);
  return keys as Buffer[];
}

/** Writes a key file atomically with mode 0600: current key first, then older ones still needed. */
export function writeKeyFile(path: string, keys: readonly Buffer[]): void {
  // A name nobody can guess, created exclusively ('wx'): a file or link planted in its place is never written through.
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, `# Ledger master key: back it up apart from the database. Losing it loses all personal data.\n${keys.map((key) => key.toString('hex')).join('\n')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Makes the key file with a new random key unless it exists (exclusive create, so two processes starting at once agree). True when made. */
export function ensureKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  // Written whole under another name, then linked into place: the link fails if another
  // process made the file first, and nobody ever reads a half-written key file.
  const temporary = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeKeyFile(temporary, [randomBytes(32)]);
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
