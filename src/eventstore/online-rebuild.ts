/**
 * Read models rebuilt online. The live tables keep serving, and appends keep
 * updating them inline, while a new version is built into shadow copies
 * (shadow-tables.ts):
 *   1. claim the build (a lease row in `projection_rebuilds`, renewed with
 *      every page; one builder per read model across all processes);
 *   2. make empty shadow copies of the read model's tables;
 *   3. replay the log into them page by page, each page a short transaction
 *      of its own (on SQLite one more turn of the single writer, so appends
 *      wait at most a page; on PostgreSQL on its own connection, so appends
 *      never wait on it);
 *   4. switch, in one transaction: take the live tables' locks (PostgreSQL:
 *      ACCESS EXCLUSIVE on the read model's tables only, never the log head,
 *      with a short lock_timeout and retries; SQLite: the write lock), apply
 *      the rest of the log, drop the live tables and rename the copies into
 *      their place.
 *
 * Why nothing is lost: an append that changes the read model writes its
 * tables in its own transaction. One that committed before the switch took
 * its locks is in the log the switch reads under those locks; one that had
 * not committed cannot touch the tables until the switch commits, and then
 * finds the new tables under the same names (PostgreSQL looks a name up again
 * after waiting for its lock, and re-plans prepared statements after DDL;
 * SQLite re-prepares after a schema change). Every process reads and writes
 * the tables by name, so every process switches at the same commit.
 *
 * Checkpoints: a read model's checkpoint is the position its served tables
 * are complete up to. A live one's is kept by appends, and stays true during
 * its rebuild (the live tables stay current). A read model new in a release
 * has no checkpoint; until its first build switches, readiness reports it
 * behind by the events its build has not applied yet (`projectionCheckpoint`
 * falls back to the build's position), and the switch writes its checkpoint.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { serverErrorCode } from './prediction.js';
import { onShadow, planShadow } from './shadow-tables.js';
import { EVENT_COLUMNS, inTransaction, toBigInt, toStoredEvent, type Dialect, type EventRow } from './sql.js';
import type { EventSchemas, InlineProjection, SqlExecutor, StoredEvent } from './types.js';

/** Events per page of the replay. */
const PAGE = 1000;
/** A lease not renewed for this long is taken to be abandoned (its builder died). */
const LEASE_STALE_MS = 30_000;
/** How long the switch waits for the live tables' locks before it backs off (PostgreSQL). */
const SWITCH_LOCK_TIMEOUT = '1s';
const SWITCH_TRIES = 30;

export interface RebuildResult {
  /** Events replayed into the new version. */
  readonly events: number;
  /** The log position the new version was complete up to when it switched. */
  readonly position: bigint;
}

export interface OnlineRebuildOptions {
  readonly dialect: Dialect;
  /** The adapter write transactions run on. */
  readonly writer: SqlDriverAdapter;
  /** Where event pages are read (committed events only). */
  readonly reader: SqlExecutor;
  readonly projections: readonly InlineProjection[];
  /** Upcasts old events: a rebuild sees every event in its current shape, as appends did. */
  readonly schemas: EventSchemas | undefined;
  /** Timestamps of checkpoints written (leases use the wall clock). */
  readonly clock: () => Date;
  /** Runs a job between append batches of this process (SQLite's one writer connection). */
  readonly exclusive: <T>(job: () => Promise<T>) => Promise<T>;
}

export class RebuildStoppedError extends Error {
  constructor() {
    super('The store closed before the rebuild finished');
    this.name = 'RebuildStoppedError';
  }
}

/** A pause that never keeps the process alive by itself (a closed store's builds end at their next step). */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
/**
 * SQLite's driver answers synchronously: without this a rebuild would keep the
 * event loop to itself (no request, no append batch) until it finished.
 */
const giveTurn = () => new Promise((resolve) => setImmediate(resolve));

export class OnlineRebuilds {
  private readonly running = new Map<string, Promise<RebuildResult>>();
  private stopped = false;

  constructor(private readonly options: OnlineRebuildOptions) {}

  /**
   * On an empty log every read model is complete: each gets checkpoint 0 if it
   * has none (appends only move checkpoints that exist). One statement, so a
   * process appending at the same moment cannot slip an event in between.
   */
  async initCheckpoints(): Promise<void> {
    if (this.options.projections.length === 0) return;
    const timestamp = this.options.dialect === 'postgresql' ? 'CAST(? AS TIMESTAMPTZ)' : '?';
    await this.transaction(async (sql) => {
      for (const { name } of this.options.projections) {
        await sql.execute(
          `INSERT INTO projection_checkpoints (name, "position", updated_at) SELECT CAST(? AS TEXT), 0, ${timestamp}
           WHERE NOT EXISTS (SELECT 1 FROM events) ON CONFLICT (name) DO NOTHING`,
          [name, this.options.clock()],
        );
      }
    });
  }

  /** Read models with no checkpoint: new in this release (or never built), so they need a build. */
  async missing(): Promise<string[]> {
    const rows = await this.options.reader.query<{ name: string }>('SELECT name FROM projection_checkpoints');
    const present = new Set(rows.map((row) => row.name));
    return this.options.projections.map((projection) => projection.name).filter((name) => !present.has(name));
  }

  /**
   * Builds every read model that has no checkpoint, in the background (a
   * build another process already runs is left to it). Failures are reported
   * and the build tried again, until it succeeds or the store closes.
   */
  buildMissing(onError: (name: string, error: unknown) => void): Promise<void> {
    const run = async () => {
      for (const name of await this.missing()) {
        for (;;) {
          try {
            await this.rebuild(name, { ifMissing: true });
            break;
          } catch (error) {
            if (error instanceof RebuildStoppedError) return;
            onError(name, error);
            await sleep(5_000);
          }
        }
      }
    };
    return run().catch((error: unknown) => onError('*', error));
  }

  /** Rebuilds `name` online; a build of it already running in this process is joined. */
  rebuild(name: string, options: { ifMissing?: boolean } = {}): Promise<RebuildResult> {
    const projection = this.options.projections.find((candidate) => candidate.name === name);
    if (!projection) return Promise.reject(new Error(`Unknown projection ${name}`));
    let build = this.running.get(name);
    if (!build) {
      build = this.build(projection, options.ifMissing === true).finally(() => this.running.delete(name));
      this.running.set(name, build);
    }
    return build;
  }

  /** Stops builds at their next page (their shadow tables are dropped) and waits for them. */
  async close(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running.values()]);
  }

  private transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    return this.options.exclusive(() => inTransaction(this.options.dialect, this.options.writer, work));
  }

  private checkStopped(): void {
    if (this.stopped) throw new RebuildStoppedError();
  }

  private async build(projection: InlineProjection, ifMissing: boolean): Promise<RebuildResult> {
    const owner = randomUUID();
    const done = ifMissing ? async () => !(await this.missing()).includes(projection.name) : async () => false;
    if (!(await this.claim(projection.name, owner, done))) return { events: 0, position: await this.checkpoint(projection.name) };
    try {
      const plan = await this.transaction(async (sql) => {
        const shadow = await planShadow(sql, projection.tables);
        for (const statement of [...shadow.drop, ...shadow.create]) await sql.execute(statement);
        return shadow;
      });
      let after = 0n;
      let count = 0;
      for (;;) {
        await giveTurn();
        this.checkStopped();
        const events = await this.page(this.options.reader, after);
        if (events.length < PAGE) break;
        await this.transaction(async (sql) => {
          await this.renew(sql, projection.name, owner);
          await projection.apply(onShadow(sql, projection.tables), events);
          await sql.execute('UPDATE projection_rebuilds SET "position" = ? WHERE name = ?', [events[events.length - 1]!.position, projection.name]);
        });
        after = events[events.length - 1]!.position;
        count += events.length;
      }
      for (let attempt = 1; ; attempt++) {
        this.checkStopped();
        try {
          const result = await this.transaction((sql) => this.switchOver(sql, projection, owner, plan.swap, after));
          return { events: count + result.applied, position: result.position };
        } catch (error) {
          const code = serverErrorCode(error);
          if ((code !== '55P03' && code !== '40P01') || attempt >= SWITCH_TRIES) throw error;
          // A long read held the live tables: let appends through, then try again.
          await sleep(50 * attempt);
        }
      }
    } catch (error) {
      await this.abandon(projection, owner).catch(() => undefined);
      throw error;
    }
  }

  private async checkpoint(name: string): Promise<bigint> {
    const rows = await this.options.reader.query<{ position: unknown }>('SELECT "position" FROM projection_checkpoints WHERE name = ?', [name]);
    return rows[0] ? toBigInt(rows[0].position) : 0n;
  }

  /** Takes the lease for `name`, waiting while another live builder holds it; false when `done` says the work was done meanwhile. */
  private async claim(name: string, owner: string, done: () => Promise<boolean>): Promise<boolean> {
    for (;;) {
      this.checkStopped();
      if (await done()) return false;
      const now = new Date();
      const claimed = await this.transaction((sql) =>
        sql.execute(
          `INSERT INTO projection_rebuilds (name, owner, "position", started_at, heartbeat_at) VALUES (?, ?, 0, ?, ?)
           ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "position" = 0, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
           WHERE projection_rebuilds.heartbeat_at < ?`,
          [name, owner, now, now, new Date(now.getTime() - LEASE_STALE_MS)],
        ),
      );
      if (claimed > 0) {
        if (!(await done())) return true;
        await this.transaction((sql) => sql.execute('DELETE FROM projection_rebuilds WHERE name = ? AND owner = ?', [name, owner]));
        return false;
      }
      await sleep(200);
    }
  }

  /** Renews the lease (and on SQLite takes the write lock first thing); fails when another builder took it over. */
  private async renew(sql: SqlExecutor, name: string, owner: string): Promise<void> {
    const renewed = await sql.execute('UPDATE projection_rebuilds SET heartbeat_at = ? WHERE name = ? AND owner = ?', [new Date(), name, owner]);
    if (renewed === 0) throw new Error(`The rebuild of ${name} was taken over by another builder (this one stalled for over ${LEASE_STALE_MS} ms)`);
  }

  private async page(sql: SqlExecutor, after: bigint): Promise<StoredEvent[]> {
    const rows = await sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE "position" > ? ORDER BY "position" LIMIT ${PAGE}`, [after]);
    return rows.map((row) => toStoredEvent(row, this.options.schemas));
  }

  private async switchOver(sql: SqlExecutor, projection: InlineProjection, owner: string, swap: readonly string[], from: bigint) {
    // A read model without tables of its own (one that only acts, like forgetting keys) has nothing to lock.
    if (sql.dialect === 'postgresql' && projection.tables.length > 0) {
      await sql.execute(`SET LOCAL lock_timeout = '${SWITCH_LOCK_TIMEOUT}'`);
      // Only the read model's own tables: appends that do not change it go on, and none holds these while waiting for us.
      await sql.execute(`LOCK TABLE ${projection.tables.map((table) => `"${table}"`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    }
    await this.renew(sql, projection.name, owner);
    const shadow = onShadow(sql, projection.tables);
    let after = from;
    let applied = 0;
    for (;;) {
      const events = await this.page(sql, after);
      if (events.length === 0) break;
      await projection.apply(shadow, events);
      after = events[events.length - 1]!.position;
      applied += events.length;
    }
    for (const statement of swap) await sql.execute(statement);
    const [head] = await sql.query<{ position: unknown }>('SELECT "position" FROM log_head WHERE id = 1');
    const position = head ? toBigInt(head.position) : after;
    // A read model new in this release gets its first checkpoint; a live one's is kept by appends (and was
    // true throughout). Its row is never written here: an append may hold it while it waits for our locks.
    const existing = await sql.query('SELECT name FROM projection_checkpoints WHERE name = ?', [projection.name]);
    if (existing.length === 0) {
      await sql.execute('INSERT INTO projection_checkpoints (name, "position", updated_at) VALUES (?, ?, ?)', [projection.name, position, this.options.clock()]);
    }
    await sql.execute('DELETE FROM projection_rebuilds WHERE name = ? AND owner = ?', [projection.name, owner]);
    return { applied, position };
  }

  /** Drops a failed or stopped build's shadow tables and gives its lease back. */
  private async abandon(projection: InlineProjection, owner: string): Promise<void> {
    await this.transaction(async (sql) => {
      const held = await sql.execute('DELETE FROM projection_rebuilds WHERE name = ? AND owner = ?', [projection.name, owner]);
      // Another builder took over: the shadow tables are its now.
      if (held === 0) return;
      const plan = await planShadow(sql, projection.tables);
      for (const statement of plan.drop) await sql.execute(statement);
    });
  }
}
