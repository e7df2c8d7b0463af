/**
 * The log file: the whole log of a database, as NDJSON (one JSON object a
 * line, gzip when the name ends in `.gz`), in this order:
 *   1. a header: format and version, where it came from, the head position,
 *      how many of each record follow, and an export id;
 *   2. every event in position order, exactly as stored (data and metadata
 *      are the stored JSON text, never upcast: events are never rewritten);
 *   3. the snapshots, then the processed command ids;
 *   4. a trailer: the counts again and checksums (SHA-256 over the event
 *      lines, and over every line between header and trailer; the header,
 *      which names its export, is outside them, so two exports of one log
 *      differ only in their first line).
 * Positions, versions, timestamps (milliseconds, ISO 8601) and command ids
 * are kept exactly, so cursors (`afterPosition`) and command ids saved by
 * clients keep working on the database the file is imported into.
 */
import { createHash, type Hash } from 'node:crypto';

export const LOG_FORMAT = 'ledger-log';
export const LOG_FORMAT_VERSION = 1;

export interface LogCounts {
  readonly events: number;
  readonly snapshots: number;
  readonly commands: number;
}

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

export type LogLine = LogHeader | EventLine | SnapshotLine | CommandLine | LogTrailer;

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
  readonly counts = { events: 0, snapshots: 0, commands: 0 };

  /** `text` is the line as written, without its newline. */
  add(line: LogLine, text: string): void {
    if (line.kind === 'trailer') return;
    this.all.update(text).update('\n');
    if (line.kind === 'event') {
      this.events.update(text).update('\n');
      this.counts.events++;
    } else if (line.kind === 'snapshot') this.counts.snapshots++;
    else if (line.kind === 'command') this.counts.commands++;
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

/** Parses and checks one line of a log file (`number` is 1-based, for the message). */
export function parseLine(text: string, number: number): LogLine {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    throw new LogFileError(`Line ${number} is not JSON`);
  }
  const kind = (line as { kind?: unknown } | null)?.kind;
  if (kind !== 'header' && kind !== 'event' && kind !== 'snapshot' && kind !== 'command' && kind !== 'trailer') {
    throw new LogFileError(`Line ${number} is not a log record (kind ${JSON.stringify(kind)})`);
  }
  return line as LogLine;
}

export function checkHeader(line: LogLine | undefined): LogHeader {
  if (!line || line.kind !== 'header' || line.format !== LOG_FORMAT) throw new LogFileError('Not a ledger log file: the first line is not its header');
  if (line.formatVersion !== LOG_FORMAT_VERSION) throw new LogFileError(`Log file format version ${line.formatVersion} is not supported (this release reads ${LOG_FORMAT_VERSION})`);
  return line;
}
