/**
 * What a copy is checked with: a database's log as of a head, summed up from
 * its export (log-export.ts) without writing it anywhere: the counts, the
 * head, the file checksums, and a checksum and count per stream type.
 */
import { createHash, type Hash } from 'node:crypto';
import { exportLog, type ExportSource } from './log-export.js';
import type { LogHeader, LogLine, LogTrailer } from './log-file.js';

export interface LogSummary {
  readonly head: string;
  readonly counts: LogTrailer['counts'];
  readonly checksum: string;
  readonly eventsChecksum: string;
  /** Per stream type: its events and `sha256:<hex>` over their lines. */
  readonly streamTypes: Record<string, { events: number; checksum: string }>;
}

export async function summarizeLog(source: ExportSource, upTo?: bigint): Promise<LogSummary> {
  const perType = new Map<string, { events: number; hash: Hash }>();
  let header: LogHeader | undefined;
  let trailer: LogTrailer | undefined;
  for await (const text of exportLog(source, upTo === undefined ? {} : { upTo })) {
    const line = JSON.parse(text) as LogLine;
    if (line.kind === 'header') header = line;
    else if (line.kind === 'trailer') trailer = line;
    else if (line.kind === 'event') {
      let entry = perType.get(line.streamType);
      if (!entry) perType.set(line.streamType, (entry = { events: 0, hash: createHash('sha256') }));
      entry.events++;
      entry.hash.update(text);
    }
  }
  const streamTypes: LogSummary['streamTypes'] = {};
  for (const [type, entry] of [...perType].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) streamTypes[type] = { events: entry.events, checksum: `sha256:${entry.hash.digest('hex')}` };
  return { head: header!.head, counts: trailer!.counts, checksum: trailer!.checksum, eventsChecksum: trailer!.eventsChecksum, streamTypes };
}
