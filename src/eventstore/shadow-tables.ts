/**
 * Shadow tables for online rebuilds: a copy of a read model's tables, made
 * from the database's own definition of them (so no aggregate is named
 * here), that a rebuild fills while the live tables keep serving, and the
 * statements that put the copy in their place.
 *
 * A projection's SQL names its tables; `onShadow` points that SQL at the
 * copies by rewriting those names (whole identifiers only, never inside a
 * longer one or after a `.`), so a projection needs nothing to be rebuilt.
 *
 * Indexes keep their names after the swap (later migrations may name them):
 * - PostgreSQL: the copy's indexes and constraints are made under
 *   `<name>__rebuild` and renamed when the copy takes the table's place;
 * - SQLite has no index rename: unique indexes (an upsert may need them) are
 *   made on the copy and the others only at the swap, with their original
 *   statements, after the old table and its indexes are gone.
 */
import type { SqlExecutor } from './types.js';

export const SHADOW_SUFFIX = '__rebuild';
export const shadowName = (name: string) => `${name}${SHADOW_SUFFIX}`;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** PostgreSQL cuts identifiers at 63 bytes: a longer shadow name would not be the one renamed back. */
const PG_IDENTIFIER_MAX = 63;

export interface ShadowPlan {
  /** Makes the empty copies (after `drop`). */
  readonly create: string[];
  /** Puts the copies in the live tables' place (the live tables are dropped). */
  readonly swap: string[];
  /** Removes the copies (an abandoned or failed build). */
  readonly drop: string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An executor that runs a projection's SQL against the shadow copies of `tables`. */
export function onShadow(sql: SqlExecutor, tables: readonly string[]): SqlExecutor {
  const patterns = tables.map((table) => ({
    bare: new RegExp(`(?<![\\w."$])${escapeRegExp(table)}(?![\\w"$])`, 'g'),
    quoted: new RegExp(`"${escapeRegExp(table)}"`, 'g'),
    shadow: shadowName(table),
  }));
  const rewrite = (text: string) => patterns.reduce((out, p) => out.replace(p.quoted, quote(p.shadow)).replace(p.bare, p.shadow), text);
  return {
    dialect: sql.dialect,
    execute: (text, params) => sql.execute(rewrite(text), params),
    query: (text, params) => sql.query(rewrite(text), params),
  };
}

/** The statements for shadow copies of `tables`, read from the database's catalog. */
export async function planShadow(sql: SqlExecutor, tables: readonly string[]): Promise<ShadowPlan> {
  const plans = await Promise.all(tables.map((table) => (sql.dialect === 'postgresql' ? planPostgres(sql, table) : planSqlite(sql, table))));
  return { create: plans.flatMap((p) => p.create), swap: plans.flatMap((p) => p.swap), drop: plans.flatMap((p) => p.drop) };
}

async function planSqlite(sql: SqlExecutor, table: string): Promise<ShadowPlan> {
  const rows = await sql.query<{ type: string; name: string; sql: string }>(
    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL AND type IN ('table', 'index') ORDER BY type DESC, name",
    [table],
  );
  const definition = rows.find((row) => row.type === 'table');
  if (!definition) throw new Error(`Read model table ${table} does not exist (is a migration missing?)`);
  const shadow = shadowName(table);
  const head = /^CREATE TABLE\s+("[^"]+"|`[^`]+`|\[[^\]]+\]|\w+)/i;
  if (!head.test(definition.sql)) throw new Error(`Cannot read the definition of table ${table}`);
  const create = [definition.sql.replace(head, `CREATE TABLE ${quote(shadow)}`)];
  const indexes = rows.filter((row) => row.type === 'index');
  const swap = [`DROP TABLE ${quote(table)}`, `ALTER TABLE ${quote(shadow)} RENAME TO ${quote(table)}`];
  for (const index of indexes) {
    const unique = /^CREATE\s+UNIQUE\s+INDEX/i.test(index.sql);
    if (unique) {
      const target = /\s+ON\s+("[^"]+"|`[^`]+`|\[[^\]]+\]|\w+)/i;
      const copy = index.sql
        .replace(/^(CREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)("[^"]+"|`[^`]+`|\[[^\]]+\]|\w+)/i, `$1${quote(shadowName(index.name))}`)
        .replace(target, ` ON ${quote(shadow)}`);
      create.push(copy);
      swap.push(`DROP INDEX ${quote(shadowName(index.name))}`);
    }
    swap.push(index.sql);
  }
  return { create, swap, drop: [`DROP TABLE IF EXISTS ${quote(shadow)}`] };
}

async function planPostgres(sql: SqlExecutor, table: string): Promise<ShadowPlan> {
  const exists = await sql.query<{ found: unknown }>('SELECT to_regclass(?) IS NOT NULL AS found', [quote(table)]);
  if (exists[0]?.found !== true) throw new Error(`Read model table ${table} does not exist (is a migration missing?)`);
  const indexes = await sql.query<{ name: string; definition: string; constraint_name: string | null; constraint_definition: string | null }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition, c.conname AS constraint_name, pg_get_constraintdef(c.oid) AS constraint_definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')
      WHERE x.indrelid = to_regclass(?) ORDER BY i.relname`,
    [quote(table)],
  );
  const shadow = shadowName(table);
  for (const name of [shadow, ...indexes.map((index) => shadowName(index.constraint_name ?? index.name))]) {
    if (Buffer.byteLength(name) > PG_IDENTIFIER_MAX) throw new Error(`Shadow name ${name} is longer than PostgreSQL's ${PG_IDENTIFIER_MAX} bytes: shorten ${table}'s table or index names`);
  }
  const create = [`CREATE TABLE ${quote(shadow)} (LIKE ${quote(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY)`];
  const swap = [`DROP TABLE ${quote(table)}`, `ALTER TABLE ${quote(shadow)} RENAME TO ${quote(table)}`];
  for (const index of indexes) {
    if (index.constraint_name && index.constraint_definition) {
      create.push(`ALTER TABLE ${quote(shadow)} ADD CONSTRAINT ${quote(shadowName(index.constraint_name))} ${index.constraint_definition}`);
      // Renaming a constraint renames its index with it.
      swap.push(`ALTER TABLE ${quote(table)} RENAME CONSTRAINT ${quote(shadowName(index.constraint_name))} TO ${quote(index.constraint_name)}`);
      continue;
    }
    const head = /^CREATE (UNIQUE )?INDEX (\S+) ON (ONLY )?(\S+) /;
    if (!head.test(index.definition)) throw new Error(`Cannot read the definition of index ${index.name}`);
    create.push(index.definition.replace(head, (_all, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX ${quote(shadowName(index.name))} ON ${quote(shadow)} `));
    swap.push(`ALTER INDEX ${quote(shadowName(index.name))} RENAME TO ${quote(index.name)}`);
  }
  return { create, swap, drop: [`DROP TABLE IF EXISTS ${quote(shadow)}`] };
}
