/**
 * The log file: the whole log of a database, as NDJSON (one JSON object a
 * line, gzip when the name ends in `.gz`), in this order:
 *   1. a header: format and version, where it came from, the head position,
 *      how many of each record follow, and an export id;
 *   2. every event in position order, exactly as stored (data and metadata
 *      are the stored JSON text, never upcast: events are never rewritten);
 *   3. the snapshots, then the processed command ids;
 *   4. (version 2) the records of each section another layer keeps beside
 *      the log, in the order the sections were given (people's wrapped data
 *      keys and the forget counter: src/privacy/log-records.ts); the store
 *      knows them only as lines of a kind, counted and checksummed;
 *   5. a trailer: the counts again and checksums (SHA-256 over the event
 *      lines, and over every line between header and trailer; the header,
 *      which names its export, is outside them, so two exports of one log
 *      differ only in their first line).
 * Positions, versions, timestamps (milliseconds, ISO 8601) and command ids
 * are kept exactly, so cursors (`afterPosition`) and command ids saved by
 * clients keep working on the database the file is imported into.
 */
import { createHash, type Hash } from 'node:crypto';
import type { SqlExecutor } from './types.js';

export const LOG_FORMAT = 'ledger-log';
/** Version 2 added the sections; version 1 files (no section records) are still read. */
export const LOG_FORMAT_VERSION = 2;
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** Records of each kind; a section's records are counted under its `countName`. */
export interface LogCounts {
  readonly events: number;
  readonly snapshots: number;
  readonly commands: number;
  readonly [section: string]: number;
}

/** A record of a section: its `kind` is the section's, the rest is the section's own. */
export interface SectionLine {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/**
 * Records another layer keeps beside the log, moved with it: read from the
 * source after the command ids, written on the target in the import's
 * batches. The store knows nothing of what they mean.
 */
export interface LogSection<Line extends SectionLine = SectionLine> {
  /** The `kind` of its lines (not one of the store's own). */
  readonly kind: string;
  /** Its name in the header's and trailer's counts. */
  readonly countName: string;
  /** How many lines there are when the export starts (for the header; the file may hold more, made meanwhile). */
  count(sql: SqlExecutor): Promise<number>;
  /** Its lines, in a stable order (all of them are written, whatever `count` said). */
  lines(sql: SqlExecutor): AsyncIterable<Line>;
  /** Writes a batch on the target, inside the batch's transaction. Must be idempotent: a resumed import writes them again. */
  write(sql: SqlExecutor, lines: readonly Line[]): Promise<void>;
}

const STORE_KINDS = new Set(['header', 'event', 'snapshot', 'command', 'trailer']);

export interface LogHeader {
  readonly kind: 'header';
  readonly format: typeof LOG_FORMAT;
  readonly formatVersion: number;
  /** Random per export: an import resumes only the export it started. */
  readonly exportId: string;
  readonly exportedAt: string;
  readonly source: { readonly dialect: 'sqlite' | 'postgresql'; readonly database: string };
  /** The position of the last event in the file ("0" for an empty log). */
  readonly head: string;
  readonly counts: LogCounts;
}

export interface EventLine {
  readonly kind: 'event';
  readonly position: string;
  readonly id: string;
  readonly streamId: string;
  readonly streamType: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  /** The stored JSON text. */
  readonly data: string;
  readonly metadata: string;
  readonly timestamp: string;
}

export interface SnapshotLine {
  readonly kind: 'snapshot';
  readonly streamId: string;
  readonly version: number;
  readonly streamType: string;
  readonly revision: number;
  readonly state: string;
  readonly createdAt: string;
}

export interface CommandLine {
  readonly kind: 'command';
  readonly commandId: string;
  readonly actor: string;
  readonly commandType: string;
  readonly streamId: string;
  readonly firstVersion: number;
  readonly lastVersion: number;
  readonly position: string;
  readonly createdAt: string;
  /** A command over several streams (a transfer): every stream's range, as stored (JSON text); absent for one stream. */
  readonly streams?: string | null;
  /** SHA-256 of the command's type and input (a reused id with other input is refused); absent for older records. */
  readonly fingerprint?: string | null;
}

export interface LogTrailer {
  readonly kind: 'trailer';
  readonly counts: LogCounts;
  /** `sha256:<hex>` over the event lines (each line's text and its newline). */
  readonly eventsChecksum: string;
  /** `sha256:<hex>` over every line between the header and the trailer. */
  readonly checksum: string;
}

/** The store's own records. */
export type LogLine = LogHeader | EventLine | SnapshotLine | CommandLine | LogTrailer;
/** Any line of a file: the store's own, or a section's (any other kind). */
export type AnyLine = LogLine | SectionLine;
export const isStoreLine = (line: AnyLine): line is LogLine => STORE_KINDS.has(line.kind);

export class LogFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFileError';
  }
}

/** Checksums as lines go by (the writer and the reader compute them the same way). */
export class LogChecksums {
  private readonly events: Hash = createHash('sha256');
  private readonly all: Hash = createHash('sha256');
  readonly counts: { events: number; snapshots: number; commands: number; [section: string]: number } = { events: 0, snapshots: 0, commands: 0 };
  private readonly countNames: Map<string, string>;

  constructor(sections: readonly LogSection<any>[] = []) {
    this.countNames = new Map(sections.map((section) => [section.kind, section.countName]));
    for (const section of sections) this.counts[section.countName] = 0;
  }

  /** `text` is the line as written, without its newline. */
  add(line: AnyLine, text: string): void {
    if (line.kind === 'trailer' || line.kind === 'header') return;
    this.all.update(text).update('\n');
    if (line.kind === 'event') {
      this.events.update(text).update('\n');
      this.counts.events++;
    } else if (line.kind === 'snapshot') this.counts.snapshots++;
    else if (line.kind === 'command') this.counts.commands++;
    else {
      const name = this.countNames.get(line.kind);
      if (name !== undefined) this.counts[name] = (this.counts[name] ?? 0) + 1;
    }
  }

  trailer(): LogTrailer {
    return { kind: 'trailer', counts: { ...this.counts }, eventsChecksum: `sha256:${this.events.digest('hex')}`, checksum: `sha256:${this.all.digest('hex')}` };
  }
}

/** A database URL without its password, for the header. */
export function describeDatabase(url: string): string {
  if (url.startsWith('file:')) return url;
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'postgresql';
  }
}

/** Parses and checks one line of a log file (`number` is 1-based, for the message); `sections` are the other kinds this reader takes. */
export function parseLine(text: string, number: number, sections: readonly LogSection<any>[] = []): AnyLine {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    throw new LogFileError(`Line ${number} is not JSON`);
  }
  const kind = (line as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || (!STORE_KINDS.has(kind) && !sections.some((section) => section.kind === kind))) {
    throw new LogFileError(`Line ${number} is not a log record this reader knows (kind ${JSON.stringify(kind)})`);
  }
  return line as AnyLine;
}

export function checkHeader(line: AnyLine | undefined): LogHeader {
  if (!line || line.kind !== 'header' || (line as LogHeader).format !== LOG_FORMAT) throw new LogFileError('Not a ledger log file: the first line is not its header');
  const header = line as LogHeader;
  if (!READABLE_FORMAT_VERSIONS.includes(header.formatVersion)) {
    throw new LogFileError(`Log file format version ${header.formatVersion} is not supported (this release reads ${READABLE_FORMAT_VERSIONS.join(' and ')})`);
  }
  return header;
}
