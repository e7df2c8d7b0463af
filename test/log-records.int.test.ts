/**
 * The key records of the log file on the target (src/privacy/log-records.ts),
 * on both databases: written again they add nothing, a tombstone always wins
 * over a key, a key never revives a tombstone, and the forget counter only
 * ever moves forward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawDatabase, type RawDatabase } from '../src/eventstore/raw-database.js';
import { dataKeyRecords, forgetEpochRecord, keyCounts, type DataKeyLine } from '../src/privacy/log-records.js';
import { backends, createDatabase, type TestDatabase } from './helpers/databases.js';

const key = (subjectId: string, wrappedKey: string | null): DataKeyLine => ({
  kind: 'dataKey',
  subjectId,
  wrappedKey,
  masterKeyId: wrappedKey === null ? null : '0123456789abcdef',
  createdAt: '2026-12-01T10:00:00.000Z',
  forgottenAt: wrappedKey === null ? '2026-12-01T11:00:00.000Z' : null,
});

describe.each(backends)('key records written on %s', (backend) => {
  let db: TestDatabase;
  let raw: RawDatabase;

  beforeAll(async () => {
    db = await createDatabase(backend);
    raw = await openRawDatabase(db.url);
  });
  afterAll(async () => {
    await raw?.close();
    await db?.drop();
  });

  const epoch = async () => BigInt(String((await raw.sql.query<{ forget_epoch: unknown }>('SELECT forget_epoch FROM personal_data_epoch WHERE id = 1'))[0]?.forget_epoch));
  const rows = async () => {
    const lines: DataKeyLine[] = [];
    for await (const line of dataKeyRecords.lines(raw.sql)) lines.push(line);
    return lines.map((line) => [line.subjectId, line.wrappedKey]);
  };

  it('never duplicates, lets a tombstone win and never revives one', async () => {
    // What a server may have made on a target before the import finished: a key for "ann", a tombstone for "bob".
    await raw.transaction((sql) => dataKeyRecords.write(sql, [key('ann', 'made-here'), key('bob', null)]));
    const file = [key('ann', null), key('bob', 'from-the-file'), key('cat', 'cat-key')];
    await raw.transaction((sql) => dataKeyRecords.write(sql, file));
    await raw.transaction((sql) => dataKeyRecords.write(sql, file));
    expect(await rows()).toEqual([
      ['ann', null],
      ['bob', null],
      ['cat', 'cat-key'],
    ]);
    expect(await dataKeyRecords.count(raw.sql)).toBe(3);
    expect(await keyCounts(raw.sql)).toMatchObject({ keys: 1, tombstones: 2 });
  });

  it('tells key rows apart by what they hold, not only by how many there are, in any order', async () => {
    await raw.transaction((sql) => dataKeyRecords.write(sql, [key('dan', 'dan-key'), key('eve', 'eve-key')]));
    const before = await keyCounts(raw.sql);
    expect(before.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyCounts(raw.sql)).toEqual(before);
    // Two people's keys swapped (as a broken move might): the same counts, another digest.
    await raw.sql.execute(`UPDATE personal_data_keys SET wrapped_key = CASE subject_id WHEN 'dan' THEN 'eve-key' ELSE 'dan-key' END WHERE subject_id IN ('dan', 'eve')`);
    const swapped = await keyCounts(raw.sql);
    expect({ keys: swapped.keys, tombstones: swapped.tombstones }).toEqual({ keys: before.keys, tombstones: before.tombstones });
    expect(swapped.digest).not.toBe(before.digest);
  });

  it('moves the forget counter to the source\'s, then past it when written again, never back', async () => {
    expect(await epoch()).toBe(0n);
    await raw.transaction((sql) => forgetEpochRecord.write(sql, [{ kind: 'forgetEpoch', forgetEpoch: '3' }]));
    expect(await epoch()).toBe(3n);
    await raw.transaction((sql) => forgetEpochRecord.write(sql, [{ kind: 'forgetEpoch', forgetEpoch: '3' }]));
    expect(await epoch()).toBe(4n);
    await raw.transaction((sql) => forgetEpochRecord.write(sql, [{ kind: 'forgetEpoch', forgetEpoch: '0' }]));
    expect(await epoch()).toBe(4n);
  });
});
