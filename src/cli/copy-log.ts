/**
 * A whole log copied from one database to another in one step (`npm run
 * log:copy`): the export piped straight into the import (no file in
 * between, constant memory), the read models rebuilt on the target, then a
 * verification of the target against the source as of the copied head:
 * counts, head, checksums (the whole log and per stream type), every
 * stream's state folded by its module's decider on both sides (an account's
 * balance included, whatever the modules are), the read models' row counts
 * and people's data keys (keys and tombstones). Nothing here names an
 * aggregate.
 *
 * People's data keys move with the log, still wrapped: before the target is
 * touched, its master key must be one that opens them (src/privacy/
 * target-master-key.ts); a SQLite target with no master key of its own gets
 * the SQLite source's key file.
 */
import { existsSync } from 'node:fs';
import { storeOptionsOf } from '../app.js';
import { AggregateRepository } from '../commands/repository.js';
import type { AggregateModule } from '../module.js';
import { exportLog } from '../eventstore/log-export.js';
import { importLog } from '../eventstore/log-import.js';
import { summarizeLog, type LogSummary } from '../eventstore/log-summary.js';
import { openEventStore } from '../eventstore/open.js';
import type { PrismaEventStore } from '../eventstore/prisma-store.js';
import { openRawDatabase } from '../eventstore/raw-database.js';
import { toNumber } from '../eventstore/sql.js';
import { keyFileOf } from '../privacy/index.js';
import { keyCounts, personalDataRecords, wrappingKeyIds } from '../privacy/log-records.js';
import { installKeyFile, planTargetMasterKey, sourceKeyHint } from '../privacy/target-master-key.js';

export interface CopyReport {
  readonly head: string;
  readonly seconds: { copy: number; rebuild: number; verify: number };
  readonly eventsPerSecond: number;
  readonly source: LogSummary;
  readonly target: LogSummary;
  /** Streams whose state was compared, per stream type. */
  readonly streamsCompared: Record<string, number>;
  /** Rows of each read-model table on both sides. */
  readonly readModels: Record<string, { source: number; target: number }>;
  /** People's data keys (wrapped) and tombstones (people forgotten) on both sides. */
  readonly dataKeys: { source: { keys: number; tombstones: number; digest: string }; target: { keys: number; tombstones: number; digest: string } };
  /** Every difference found; empty when the copy is verified. */
  readonly mismatches: string[];
  /** What was not compared because the source moved on past the copied head (it kept taking writes). */
  readonly notCompared: string[];
}

const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** Every stream's state at the copied head, on both sides, through each module's decider. */
export async function compareStates(source: PrismaEventStore, target: PrismaEventStore, modules: readonly AggregateModule[], mismatches: string[]) {
  const compared: Record<string, number> = {};
  for (const module of modules) {
    const { decider } = module;
    const view = (state: unknown) => json(module.stateView ? module.stateView(state) : decider.toSnapshot(state));
    const sides = [source, target].map((store) => new AggregateRepository(store, decider, { snapshotEvery: 0, cacheSize: 1 }));
    let after = '';
    let count = 0;
    for (;;) {
      const streams = await target.reader.query<{ stream_id: string; version: unknown }>(
        'SELECT stream_id, MAX(version) AS version FROM events WHERE stream_type = ? AND stream_id > ? GROUP BY stream_id ORDER BY stream_id LIMIT 500',
        [decider.streamType, after],
      );
      for (const stream of streams) {
        const version = toNumber(stream.version);
        const [a, b] = await Promise.all(sides.map((side) => side.loadAt(stream.stream_id, { version })));
        if (!a || !b || a.version !== b.version || view(a.state) !== view(b.state)) {
          if (mismatches.length < 100) mismatches.push(`${decider.streamType} ${stream.stream_id}: state differs at version ${version}`);
        }
        count++;
      }
      if (streams.length < 500) break;
      after = streams[streams.length - 1]!.stream_id;
    }
    compared[decider.streamType] = count;
  }
  return compared;
}

/** Checks the target's master key against the source's wrapped keys (nothing written on the target yet); copies a key file if one is needed. */
async function prepareMasterKey(source: Awaited<ReturnType<typeof openRawDatabase>>, to: string, env: Readonly<Record<string, string | undefined>>, progress: (message: string) => void) {
  const sourceKeyFile = source.dialect === 'sqlite' ? keyFileOf(source.url) : undefined;
  const plan = planTargetMasterKey({
    targetUrl: to,
    wrappedBy: await wrappingKeyIds(source.sql),
    env,
    ...(sourceKeyFile !== undefined && existsSync(sourceKeyFile) ? { keyFile: { path: sourceKeyFile, explicit: false } } : {}),
    sourceHint: sourceKeyHint({ dialect: source.dialect, database: source.url }),
  });
  // The key file goes beside the target once the import found it empty (see `ready` below).
  return () => {
    if (!plan.install) return;
    installKeyFile(plan.install.from, plan.install.to);
    progress(`copied the master key file ${plan.install.from} to ${plan.install.to} (mode 0600): back it up apart from the database`);
  };
}

export async function copyLog(
  from: string,
  to: string,
  modules: readonly AggregateModule[],
  progress: (message: string) => void = () => undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<CopyReport> {
  const mismatches: string[] = [];
  const started = Date.now();
  const source = await openRawDatabase(from, { mustExist: true });
  let head: bigint;
  try {
    const ready = await prepareMasterKey(source, to, env, progress);
    const target = await openRawDatabase(to);
    try {
      progress('copying the log');
      async function* lines() {
        for await (const line of exportLog(source, { sections: personalDataRecords })) yield line.slice(0, -1);
      }
      const result = await importLog(target, lines(), { sections: personalDataRecords, ready });
      head = BigInt(result.header.head);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
  const copied = Date.now();
  progress(`copied up to position ${head}; rebuilding the read models on the target`);
  const options = storeOptionsOf(modules);
  const targetStore = await openEventStore({ databaseUrl: to, ...options, poolSize: 4 });
  const sourceStore = await openEventStore({ databaseUrl: from, ...options, poolSize: 4 });
  try {
    for (const projection of options.projections) await targetStore.rebuildProjection(projection.name);
    const rebuilt = Date.now();
    progress('verifying');
    const [sourceSummary, targetSummary] = await Promise.all([
      summarizeLog({ dialect: sourceStore.dialect, url: from, sql: sourceStore.reader }, head),
      summarizeLog({ dialect: targetStore.dialect, url: to, sql: targetStore.reader }, head),
    ]);
    if (json(sourceSummary) !== json(targetSummary)) mismatches.push(`log summaries differ: source ${json(sourceSummary)}, target ${json(targetSummary)}`);
    const streamsCompared = await compareStates(sourceStore, targetStore, modules, mismatches);
    const readModels: CopyReport['readModels'] = {};
    const sourceHead = await sourceStore.headPosition();
    const notCompared = sourceHead === head ? [] : ['read-model row counts', "people's data keys"];
    for (const table of options.projections.flatMap((projection) => projection.tables)) {
      const count = async (store: PrismaEventStore) => toNumber((await store.reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM "${table}"`))[0]?.n ?? 0);
      readModels[table] = { source: await count(sourceStore), target: await count(targetStore) };
      // The source's read models may have moved on if it kept taking writes.
      if (sourceHead === head && readModels[table].source !== readModels[table].target) mismatches.push(`read model table ${table}: ${readModels[table].source} rows on the source, ${readModels[table].target} on the target`);
    }
    const dataKeys = { source: await keyCounts(sourceStore.reader), target: await keyCounts(targetStore.reader) };
    // Keys are not bounded by the head: a source that kept registering people may hold more.
    if (sourceHead === head && json(dataKeys.source) !== json(dataKeys.target)) {
      const counts = dataKeys.source.keys === dataKeys.target.keys && dataKeys.source.tombstones === dataKeys.target.tombstones;
      mismatches.push(
        counts
          ? `people's data keys: as many on both sides (${dataKeys.source.keys} keys, ${dataKeys.source.tombstones} tombstones) but not the same rows (digest ${dataKeys.source.digest.slice(0, 16)} on the source, ${dataKeys.target.digest.slice(0, 16)} on the target)`
          : `people's data keys: ${dataKeys.source.keys} keys and ${dataKeys.source.tombstones} tombstones on the source, ${dataKeys.target.keys} and ${dataKeys.target.tombstones} on the target`,
      );
    }
    const done = Date.now();
    const seconds = { copy: (copied - started) / 1000, rebuild: (rebuilt - copied) / 1000, verify: (done - rebuilt) / 1000 };
    return {
      head: head.toString(),
      seconds,
      eventsPerSecond: Math.round(targetSummary.counts.events / Math.max(seconds.copy, 0.001)),
      source: sourceSummary,
      target: targetSummary,
      streamsCompared,
      readModels,
      dataKeys,
      mismatches,
      notCompared,
    };
  } finally {
    await sourceStore.close();
    await targetStore.close();
  }
}
