/**
 * Time travel on one long account stream: state at random versions, with
 * snapshots (every SNAPSHOT_EVERY events, as the command handler writes
 * them) and with snapshots switched off.
 */
import { createApp } from '../src/app.js';
import { modules } from '../src/modules.js';
import { loadConfig } from '../src/config.js';
import { masterKeyEnv } from '../test/helpers/app.js';
import { accountDecider, type AccountState } from '../src/accounts/decider.js';
import type { Recorded } from '../src/domain/decider.js';
import type { AccountEvent } from '../src/accounts/events.js';
import type { Measurement } from './report.js';

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export async function benchTimeTravel(label: string, databaseUrl: string, streamLength: number, samples: number): Promise<Measurement[]> {
  const app = await createApp(loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', SNAPSHOT_EVERY: '100', ...masterKeyEnv(databaseUrl) }), modules);
  try {
    const id = `long-${streamLength}`;
    const every = app.config.snapshotEvery;
    let state: AccountState = accountDecider.initialState;
    const created = { type: 'account_created', data: { accountId: id, ownerId: 'bench', currency: 'USD', initialBalance: '0.00' }, metadata: {} };
    let version = 0;
    for (let start = 0; start < streamLength; start += 1000) {
      const events = Array.from({ length: Math.min(1000, streamLength - start) }, (_, i) =>
        start + i === 0 ? created : { type: 'money_deposited', data: { accountId: id, amount: '1.00', reference: null }, metadata: {} },
      );
      const result = await app.store.append({ streamId: id, streamType: 'BankAccount', expectedVersion: version, events });
      if (result.status !== 'appended') throw new Error('bulk append failed');
      const snapshots: Promise<void>[] = [];
      for (const event of result.events) {
        state = accountDecider.evolve(state, event as unknown as Recorded<AccountEvent>);
        if (event.version % every === 0) {
          snapshots.push(app.store.writeSnapshot({ streamId: id, streamType: 'BankAccount', version: event.version, revision: accountDecider.revision, state: accountDecider.toSnapshot(state) }));
        }
      }
      await Promise.all(snapshots);
      version = result.version;
    }
    const measure = async (useSnapshots: boolean, count: number) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const at = 1 + Math.floor(Math.random() * streamLength);
        const t0 = performance.now();
        const loaded = await app.repository(accountDecider).loadAt(id, { version: at }, useSnapshots);
        times.push(performance.now() - t0);
        if (loaded?.version !== at) throw new Error('wrong version');
      }
      return times.sort((a, b) => a - b);
    };
    await measure(true, 20); // warm up
    const withSnapshots = await measure(true, samples);
    const without = await measure(false, Math.max(5, Math.floor(samples / 25)));
    return [
      { name: `${label}: time travel p50, ${streamLength} events`, unit: 'ms (lower better)', value: percentile(withSnapshots, 0.5), baseline: 'same, snapshots off', baselineValue: percentile(without, 0.5) },
      { name: `${label}: time travel p99, ${streamLength} events`, unit: 'ms (lower better)', value: percentile(withSnapshots, 0.99), baseline: 'same, snapshots off', baselineValue: percentile(without, 0.99) },
    ];
  } finally {
    await app.close();
  }
}
