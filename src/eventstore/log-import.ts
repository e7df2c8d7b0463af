/**
 * Fills an empty database from a log file (log-file.ts), in batches of a few
 * hundred records, each batch one transaction that also moves the log head.
 *
 * - A database that already holds events, snapshots or command ids is
 *   refused, unless it holds part of this very export (its id is recorded in
 *   `log_imports` before the first batch): then the import resumes after the
 *   last event it holds, and snapshots and command ids already there are
 *   left as they are. Re-running an interrupted import never duplicates.
 * - The checksums and counts of the trailer are checked; a file read twice
 *   (`verifyFirst`) is checked before anything is written. The import is
 *   marked complete only when they match.
 * - Records of sections (other layers' tables moved with the log, e.g.
 *   people's wrapped data keys) are written by their section, in the same
 *   batches; a version 1 file has none and still imports.
 * Values are written exactly as read: positions, versions, timestamps, ids,
 * data and metadata text. Read models are not in the file: they are rebuilt
 * on the target (a server starting on it builds them online).
 */
import {
  LogChecksums,
  LogFileError,
  checkHeader,
  isStoreLine,
  parseLine,
  type AnyLine,
  type CommandLine,
  type EventLine,
  type LogCounts,
  type LogHeader,
  type LogSection,
  type LogTrailer,
  type SectionLine,
  type SnapshotLine,
} from './log-file.js';
import { toBigInt, toNumber } from './sql.js';
import type { SqlExecutor } from './types.js';

const BATCH = 500;

export interface ImportTarget {
  readonly sql: SqlExecutor;
  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface ImportResult {
  readonly header: LogHeader;
  /** Records written by this run, by count name (a resumed run skips the events the target already held). */
  readonly written: Record<string, number>;
  readonly resumedAfter: bigint;
  /** True when the target already held this whole export (nothing to do). */
  readonly alreadyComplete: boolean;
}

export class TargetNotEmptyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetNotEmptyError';
  }
}

/** Lines of a file with their numbers; `trailer` is checked against everything before it. */
async function* numbered(lines: AsyncIterable<string>): AsyncGenerator<{ text: string; number: number }> {
  let number = 0;
  for await (const text of lines) {
    number++;
    if (text.length > 0) yield { text, number };
  }
}

const sameCounts = (a: LogCounts, b: LogCounts) => {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => (a[name] ?? 0) === (b[name] ?? 0));
};

function checkTrailer(trailer: LogTrailer | undefined, checksums: LogChecksums, header: LogHeader): void {
  if (!trailer) throw new LogFileError('The log file ends without its trailer (cut short?)');
  const computed = checksums.trailer();
  const { counts } = computed;
  if (!sameCounts(counts, trailer.counts)) throw new LogFileError(`The log file holds ${JSON.stringify(counts)} but its trailer says ${JSON.stringify(trailer.counts)}`);
  if (counts.events !== header.counts.events) throw new LogFileError(`The log file holds ${counts.events} events but its header says ${header.counts.events}`);
  // Section records: at least as many as the header counted (rows made during the export are in the file too);
  // the trailer's counts, checked above, are exact.
  for (const [name, count] of Object.entries(header.counts)) {
    if (name !== 'events' && name !== 'snapshots' && name !== 'commands' && (counts[name] ?? 0) < count) throw new LogFileError(`The log file holds ${counts[name] ?? 0} ${name} but its header says ${count}`);
  }
  if (computed.eventsChecksum !== trailer.eventsChecksum) throw new LogFileError('The checksum of the events does not match the trailer: the file is damaged');
  if (computed.checksum !== trailer.checksum) throw new LogFileError('The checksum of the file does not match the trailer: the file is damaged');
}

export interface ImportOptions {
  /** The sections this reader takes (their records are written by them); a file holding another kind is refused. */
  readonly sections?: readonly LogSection<any>[];
  /** Runs once the target is known to be empty or to hold part of this export, before the first batch (e.g. puts a key file beside it). */
  readonly ready?: () => void | Promise<void>;
}

/** The sections a file of this header may hold: none in version 1. */
const sectionsOf = (header: LogHeader, options: ImportOptions) => (header.formatVersion < 2 ? [] : (options.sections ?? []));

/** Reads a whole file, checking its header, order, counts and checksums (constant memory); `visit` sees each section record. */
export async function verifyLogFile(lines: AsyncIterable<string>, options: ImportOptions & { visit?: (line: SectionLine) => void } = {}): Promise<LogHeader> {
  let header: LogHeader | undefined;
  let trailer: LogTrailer | undefined;
  let checksums = new LogChecksums();
  let sections: readonly LogSection<any>[] = [];
  let last = 0n;
  for await (const { text, number } of numbered(lines)) {
    const line = parseLine(text, number, sections);
    if (!header) {
      header = checkHeader(line);
      sections = sectionsOf(header, options);
      checksums = new LogChecksums(sections);
      continue;
    }
    if (!isStoreLine(line)) {
      if (trailer) throw new LogFileError(`Line ${number} follows the trailer`);
      options.visit?.(line);
      checksums.add(line, text);
      continue;
    }
    if (trailer) throw new LogFileError(`Line ${number} follows the trailer`);
    if (line.kind === 'trailer') trailer = line;
    else if (line.kind === 'header') throw new LogFileError(`Line ${number} is a second header`);
    else {
      if (line.kind === 'event') {
        const position = BigInt(line.position);
        if (position <= last) throw new LogFileError(`Line ${number}: event positions must increase (${line.position} after ${last})`);
        last = position;
      }
      checksums.add(line, text);
    }
  }
  if (!header) throw new LogFileError('The log file is empty');
  checkTrailer(trailer, checksums, header);
  return header;
}

async function insertEvents(sql: SqlExecutor, events: readonly EventLine[]): Promise<void> {
  if (events.length === 0) return;
  await sql.execute(
    `INSERT INTO events ("position", id, stream_id, stream_type, version, type, schema_version, data, metadata, "timestamp") VALUES ${events.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    events.flatMap((e) => [BigInt(e.position), e.id, e.streamId, e.streamType, e.version, e.type, e.schemaVersion, e.data, e.metadata, new Date(e.timestamp)]),
  );
  const last = events[events.length - 1]!;
  await sql.execute('UPDATE log_head SET "position" = ?, last_timestamp = ? WHERE id = 1', [BigInt(last.position), new Date(last.timestamp)]);
}

async function insertSnapshots(sql: SqlExecutor, snapshots: readonly SnapshotLine[]): Promise<void> {
  if (snapshots.length === 0) return;
  await sql.execute(
    `INSERT INTO snapshots (stream_id, version, stream_type, revision, state, created_at) VALUES ${snapshots.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
     ON CONFLICT (stream_id, version) DO NOTHING`,
    snapshots.flatMap((s) => [s.streamId, s.version, s.streamType, s.revision, s.state, new Date(s.createdAt)]),
  );
}

async function insertCommands(sql: SqlExecutor, commands: readonly CommandLine[]): Promise<void> {
  if (commands.length === 0) return;
  await sql.execute(
    `INSERT INTO processed_commands (command_id, actor, command_type, stream_id, first_version, last_version, "position", created_at, streams, fingerprint) VALUES ${commands
      .map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .join(', ')} ON CONFLICT (actor, command_id) DO NOTHING`,
    commands.flatMap((c) => [c.commandId, c.actor, c.commandType, c.streamId, c.firstVersion, c.lastVersion, BigInt(c.position), new Date(c.createdAt), c.streams ?? null, c.fingerprint ?? null]),
  );
}

/** Where the target stands: refuses one that holds anything but an unfinished import of this export. */
async function prepare(target: ImportTarget, header: LogHeader): Promise<{ after: bigint; complete: boolean }> {
  const imports = await target.sql.query<{ export_id: string; completed_at: unknown }>('SELECT export_id, completed_at FROM log_imports');
  const mine = imports.find((row) => row.export_id === header.exportId);
  if (mine) {
    const [row] = await target.sql.query<{ head: unknown }>('SELECT MAX("position") AS head FROM events');
    return { after: row?.head === null || row?.head === undefined ? 0n : toBigInt(row.head), complete: mine.completed_at !== null && mine.completed_at !== undefined };
  }
  const [held] = await target.sql.query<Record<string, unknown>>(
    `SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM snapshots) AS snapshots, (SELECT COUNT(*) FROM processed_commands) AS commands`,
  );
  const counts = { events: toNumber(held?.events ?? 0), snapshots: toNumber(held?.snapshots ?? 0), commands: toNumber(held?.commands ?? 0) };
  if (counts.events + counts.snapshots + counts.commands > 0 || imports.length > 0) {
    throw new TargetNotEmptyError(
      `The target database is not empty (${counts.events} events, ${counts.snapshots} snapshots, ${counts.commands} command ids${imports.length > 0 ? `, filled from export ${imports[0]!.export_id}` : ''}): import only into an empty database`,
    );
  }
  await target.sql.execute('INSERT INTO log_imports (export_id, source, head, started_at) VALUES (?, ?, ?, ?)', [
    header.exportId,
    `${header.source.dialect} ${header.source.database}`,
    BigInt(header.head),
    new Date(),
  ]);
  return { after: 0n, complete: false };
}

export async function importLog(target: ImportTarget, lines: AsyncIterable<string>, options: ImportOptions = {}): Promise<ImportResult> {
  let header: LogHeader | undefined;
  let trailer: LogTrailer | undefined;
  let after = 0n;
  let last = 0n;
  let checksums = new LogChecksums();
  let sections: readonly LogSection<any>[] = [];
  const written: Record<string, number> = { events: 0, snapshots: 0, commands: 0 };
  let events: EventLine[] = [];
  let snapshots: SnapshotLine[] = [];
  let commands: CommandLine[] = [];
  /** Section records waiting, in the order they came (a section's batch is written by it). */
  let others: Array<{ section: LogSection<any>; lines: SectionLine[] }> = [];
  let pending = 0;
  const flush = async () => {
    if (pending === 0) return;
    const batch = { events, snapshots, commands, others };
    events = [];
    snapshots = [];
    commands = [];
    others = [];
    pending = 0;
    await target.transaction(async (sql) => {
      await insertEvents(sql, batch.events);
      await insertSnapshots(sql, batch.snapshots);
      await insertCommands(sql, batch.commands);
      for (const { section, lines } of batch.others) await section.write(sql, lines);
    });
    written.events! += batch.events.length;
    written.snapshots! += batch.snapshots.length;
    written.commands! += batch.commands.length;
    for (const { section, lines } of batch.others) written[section.countName] = (written[section.countName] ?? 0) + lines.length;
  };
  const addOther = (line: SectionLine) => {
    const section = sections.find((candidate) => candidate.kind === line.kind)!;
    const open = others[others.length - 1];
    if (open?.section === section) open.lines.push(line);
    else others.push({ section, lines: [line] });
  };
  for await (const { text, number } of numbered(lines)) {
    const line: AnyLine = parseLine(text, number, sections);
    if (!header) {
      header = checkHeader(line);
      sections = sectionsOf(header, options);
      checksums = new LogChecksums(sections);
      for (const section of sections) written[section.countName] = 0;
      const state = await prepare(target, header);
      await options.ready?.();
      if (state.complete) return { header, written, resumedAfter: state.after, alreadyComplete: true };
      after = state.after;
      continue;
    }
    if (trailer) throw new LogFileError(`Line ${number} follows the trailer`);
    if (!isStoreLine(line)) {
      checksums.add(line, text);
      if (events.length > 0) await flush();
      addOther(line);
      if (++pending >= BATCH) await flush();
      continue;
    }
    if (line.kind === 'header') throw new LogFileError(`Line ${number} is a second header`);
    if (line.kind === 'trailer') {
      trailer = line;
      continue;
    }
    checksums.add(line, text);
    if (line.kind === 'event') {
      const position = BigInt(line.position);
      if (position <= last) throw new LogFileError(`Line ${number}: event positions must increase (${line.position} after ${last})`);
      last = position;
      if (position <= after) continue;
      events.push(line);
    } else {
      // Events first, all of them, before any snapshot or command id (they refer to the events).
      if (events.length > 0) await flush();
      if (line.kind === 'snapshot') snapshots.push(line);
      else commands.push(line);
    }
    if (++pending >= BATCH) await flush();
  }
  await flush();
  if (!header) throw new LogFileError('The log file is empty');
  checkTrailer(trailer, checksums, header);
  const [head] = await target.sql.query<{ position: unknown }>('SELECT "position" FROM log_head WHERE id = 1');
  if (!head || toBigInt(head.position) !== BigInt(header.head)) throw new LogFileError(`The imported head is ${String(head?.position)}, the file's is ${header.head}`);
  await target.sql.execute('UPDATE log_imports SET completed_at = ? WHERE export_id = ?', [new Date(), header.exportId]);
  return { header, written, resumedAfter: after, alreadyComplete: false };
}
