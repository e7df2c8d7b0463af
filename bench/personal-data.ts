/**
 * What sealing personal data costs: registerUser and updateUser through the
 * command handler, and a user-heavy page of the log (100 user events of 100
 * people, keys cached as in steady state, and with the key cache dropped
 * before every page), on a store with the personal-data codec and on one
 * without it, same database kind, same run.
 *
 * `npm run bench` includes it; alone: `node --import tsx bench/personal-data.ts [sqlite|postgresql] [databaseUrl]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogOf, projectionsOf } from '../src/app.js';
import { CommandHandler } from '../src/commands/handler.js';
import { AggregateRepository } from '../src/commands/repository.js';
import { loadConfig } from '../src/config.js';
import { openEventStore } from '../src/eventstore/open.js';
import type { PrismaEventStore } from '../src/eventstore/prisma-store.js';
import { modules } from '../src/modules.js';
import { openPrivacy, type Privacy } from '../src/privacy/index.js';
import { userDecider } from '../src/users/decider.js';
import { masterKeyEnv } from '../test/helpers/app.js';
import type { Measurement } from './report.js';

/**
 * Commands per side over all rounds. With 2,000 a round timed 200 commands: 5-20 ms windows, in which one
 * garbage collection (the two sides share the heap) or a WAL checkpoint decided the figure.
 */
const USERS = 10_000;
const CONCURRENCY = 16;

interface Side {
  store: PrismaEventStore;
  privacy?: Privacy;
}

async function open(databaseUrl: string, sealed: boolean): Promise<Side> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, ...masterKeyEnv(databaseUrl) });
  const store = await openEventStore({ databaseUrl, projections: projectionsOf(modules), schemas: catalogOf(modules) });
  if (!sealed) return { store };
  const snapshots = new Map(modules.flatMap((module) => (module.personalSnapshot ? [[module.decider.streamType, module.personalSnapshot] as const] : [])));
  return { store, privacy: await openPrivacy(config, store, catalogOf(modules), snapshots) };
}

/** Commands per second: `count` commands, `CONCURRENCY` at a time. */
async function rate(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await run(next++);
  }));
  return count / ((performance.now() - t0) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One side's workload, a round at a time, so the two sides can take turns (this machine's load moves a lot). */
function workload(side: Side, prefix: string) {
  const handler = new CommandHandler();
  const repository = new AggregateRepository(side.store, userDecider, { snapshotEvery: 0 });
  const id = (i: number) => `${prefix}-${i}`;
  let registered = 0;
  let updated = 0;
  return {
    register: (count: number) => {
      const from = registered;
      registered += count;
      return rate(count, (i) => handler.handle(repository, id(from + i), { type: 'RegisterUser', userId: id(from + i), email: `${id(from + i)}@example.com`, name: `Person ${from + i}` }, { commandType: 'RegisterUser' }));
    },
    update: (count: number) => {
      const from = updated;
      updated += count;
      return rate(count, (i) => handler.handle(repository, id((from + i) % registered), { type: 'UpdateUser', userId: id((from + i) % registered), name: `Renamed ${from + i}` }, { commandType: 'UpdateUser' }));
    },
    /** Pages of 100 user events per second, over `pages` pages; `cold` drops every cached key (and opened value) before each. */
    page: async (pages: number, cold: boolean) => {
      const t0 = performance.now();
      for (let p = 0; p < pages; p++) {
        if (cold) side.privacy?.keys.clear();
        const after = BigInt(1 + ((p * 100) % (registered - 100)));
        const events = await side.store.readLog({ streamType: 'User', afterPosition: after, limit: 100 });
        if (events.length !== 100) throw new Error('short page');
      }
      return pages / ((performance.now() - t0) / 1000);
    },
  };
}

/** Medians over rounds in which the unsealed and the sealed side take turns. */
async function measure(plain: Side, sealed: Side, rounds: number) {
  const a = workload(plain, 'plain');
  const b = workload(sealed, 'sealed');
  await a.register(200);
  await b.register(200);
  const results = { register: [[], []], update: [[], []], warm: [[], []], cold: [[], []] } as Record<string, [number[], number[]]>;
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so neither side always meets a busier moment.
    const sides = round % 2 === 0 ? ([[a, 0], [b, 1]] as const) : ([[b, 1], [a, 0]] as const);
    for (const [side, index] of sides) results.register![index].push(await side.register(USERS / rounds));
    for (const [side, index] of sides) results.update![index].push(await side.update(USERS / rounds));
    // Steady state: the same pages read once untimed (keys and opened values cached), then timed.
    for (const [side] of sides) await side.page(50, false);
    for (const [side, index] of sides) results.warm![index].push(await side.page(50, false));
    for (const [side, index] of sides) results.cold![index].push(await side.page(20, true));
  }
  const pair = (name: string) => ({ plain: median(results[name]![0]), sealed: median(results[name]![1]) });
  return { register: pair('register'), update: pair('update'), warm: pair('warm'), cold: pair('cold') };
}

export async function benchPersonalData(label: string, plainUrl: string, sealedUrl: string): Promise<Measurement[]> {
  const plain = await open(plainUrl, false);
  const sealed = await open(sealedUrl, true);
  try {
    const m = await measure(plain, sealed, 10);
    return [
      { name: `${label}: registerUser, personal data sealed`, unit: 'commands/s', value: m.register.sealed, baseline: 'same, unsealed', baselineValue: m.register.plain },
      { name: `${label}: updateUser, personal data sealed`, unit: 'commands/s', value: m.update.sealed, baseline: 'same, unsealed', baselineValue: m.update.plain },
      { name: `${label}: page of 100 user events, keys cached`, unit: 'pages/s', value: m.warm.sealed, baseline: 'same, unsealed', baselineValue: m.warm.plain },
      { name: `${label}: page of 100 user events, no key cached`, unit: 'pages/s', value: m.cold.sealed, baseline: 'same, unsealed', baselineValue: m.cold.plain },
    ];
  } finally {
    await plain.store.close();
    await sealed.store.close();
    await sealed.privacy?.close();
  }
}

if (process.argv[1]?.endsWith('personal-data.ts')) {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-pd-'));
  try {
    const kind = process.argv[2] ?? 'sqlite';
    const urls = kind === 'sqlite' ? [`file:${join(dir, 'plain.db')}`, `file:${join(dir, 'sealed.db')}`] : [process.argv[3]!, process.argv[4]!];
    for (const row of await benchPersonalData(kind, urls[0]!, urls[1]!)) {
      console.log(`${row.name}: ${row.value.toFixed(0)} ${row.unit} vs ${row.baselineValue.toFixed(0)} (${((row.value / row.baselineValue - 1) * 100).toFixed(1)}%)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
