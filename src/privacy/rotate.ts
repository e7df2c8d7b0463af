/**
 * Key rotation: every data key re-wrapped with a new master key, online.
 * Nothing else changes: the sealed personal data stays as it is (it is
 * sealed with the data keys, which do not change). Each key is replaced only
 * if it is still the one read (a forget meanwhile wins), and passes repeat
 * until one finds no key wrapped by another master key, so keys made during
 * the rotation by a process still wrapping with the old key are caught too.
 *
 * With a key file (SQLite without LEDGER_MASTER_KEY), the file first holds
 * the new key and the old one, then the new one alone: a running server
 * reads the file again when it meets a key wrapped by a master key it does
 * not know, and before it wraps a new key, so it never has to stop.
 */
import { randomBytes } from 'node:crypto';
import type { KeyTable } from './key-table.js';
import { readKeyFile, writeKeyFile } from './master-key.js';
import { masterKeyId, unwrapKey, wrapKey } from './seal.js';

const PAGE = 500;
const MAX_PASSES = 20;

export interface RotationResult {
  readonly masterKeyId: string;
  readonly rewrapped: number;
  readonly passes: number;
}

/** Re-wraps every key not wrapped by `target` (unwrapping with whichever of `known` wrapped it). */
export async function rewrapAll(table: KeyTable, known: readonly Buffer[], target: Buffer): Promise<RotationResult> {
  const byId = new Map(known.map((key) => [masterKeyId(key), key]));
  const targetId = masterKeyId(target);
  let rewrapped = 0;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    let found = 0;
    let after = '';
    for (;;) {
      const rows = await table.wrappedByOthers(targetId, after, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) {
        found++;
        const master = row.masterKeyId === null ? undefined : byId.get(row.masterKeyId);
        if (!master) throw new Error(`A data key is wrapped by master key ${row.masterKeyId}, which was not given (LEDGER_MASTER_KEY_PREVIOUS)`);
        const dataKey = unwrapKey(master, row.subjectId, row.wrappedKey!);
        if (await table.rewrap(row.subjectId, row.wrappedKey!, wrapKey(target, row.subjectId, dataKey), targetId)) rewrapped++;
      }
      after = rows[rows.length - 1]!.subjectId;
    }
    if (found === 0) return { masterKeyId: targetId, rewrapped, passes: pass };
  }
  throw new Error(`Keys kept appearing under an old master key after ${MAX_PASSES} passes: is a server still running with only the old LEDGER_MASTER_KEY?`);
}

/** Rotation of a key file: a new key, every data key re-wrapped, the old key dropped from the file. */
export async function rotateKeyFile(table: KeyTable, path: string): Promise<RotationResult> {
  const old = readKeyFile(path);
  const next = randomBytes(32);
  writeKeyFile(path, [next, ...old]);
  const result = await rewrapAll(table, [next, ...old], next);
  writeKeyFile(path, [next]);
  // Keys a server wrapped with the old key between its last look at the file and the rewrite above.
  const late = await rewrapAll(table, [next, ...old], next);
  return { ...result, rewrapped: result.rewrapped + late.rewrapped, passes: result.passes + late.passes };
}
