/** The transfer decision, pure: given both accounts' events, when a transfer, then both sides' events or a refusal. */
import { describe, expect, it } from 'vitest';
import { accountDecider, type AccountState } from '../src/accounts/decider.js';
import type { AccountEvent } from '../src/accounts/events.js';
import { decideTransfer, type TransferCommand } from '../src/accounts/transfer.js';
import { fold, type Recorded } from '../src/domain/decider.js';
import { DomainError } from '../src/domain/errors.js';
import { fingerprintOf } from '../src/commands/command-id.js';

const now = new Date('2026-12-03T10:00:00.000Z');
const stateOf = (events: AccountEvent[]): AccountState =>
  fold(accountDecider.evolve, accountDecider.initialState, events.map((event) => ({ ...event, timestamp: now }) as Recorded<AccountEvent>));
const opened = (accountId: string, initialBalance: string, currency = 'USD'): AccountEvent => ({
  type: 'account_created',
  data: { accountId, ownerId: 'u', currency, initialBalance },
});
const closed = (accountId: string): AccountEvent => ({ type: 'account_closed', data: { accountId } });
const command: TransferCommand = { type: 'Transfer', transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amount: 2500n, reference: ' INV-1 ' };

function refusal(run: () => unknown): { code: string; details: Readonly<Record<string, unknown>> } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('not refused');
}

describe('transfer decision', () => {
  const a = stateOf([opened('a', '100.00')]);
  const b = stateOf([opened('b', '5.00')]);

  it('answers money_transferred_out for the source and money_transferred_in for the destination, both carrying the same data', () => {
    const data = { transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amount: '25.00', reference: 'INV-1' };
    expect(decideTransfer(command, [a, b])).toEqual([[{ type: 'money_transferred_out', data }], [{ type: 'money_transferred_in', data }]]);
  });

  it('moves the balances both ways when the events are folded, and may empty the source exactly', () => {
    const [out, into] = decideTransfer({ ...command, amount: 10000n }, [a, b]);
    const after = [stateOf([opened('a', '100.00'), ...out]), stateOf([opened('b', '5.00'), ...into])];
    expect(after.map((state) => (state.status === 'none' ? null : state.balance))).toEqual([0n, 10500n]);
  });

  it('refuses each broken rule with its code', () => {
    const none = accountDecider.initialState;
    const cases: Array<[TransferCommand, AccountState[], string, string?]> = [
      [{ ...command, amount: 0n }, [a, b], 'BAD_USER_INPUT', 'amount'],
      [{ ...command, amount: -5n }, [a, b], 'BAD_USER_INPUT', 'amount'],
      [{ ...command, toAccountId: 'a' }, [a, a], 'BAD_USER_INPUT', 'toAccountId'],
      [command, [none, b], 'NOT_FOUND'],
      [command, [a, none], 'NOT_FOUND'],
      [command, [stateOf([opened('a', '0.00'), closed('a')]), b], 'ACCOUNT_CLOSED'],
      [command, [a, stateOf([opened('b', '0.00'), closed('b')])], 'ACCOUNT_CLOSED'],
      [command, [a, stateOf([opened('b', '5.00', 'EUR')])], 'BAD_USER_INPUT', 'toAccountId'],
      [{ ...command, amount: 10001n }, [a, b], 'INSUFFICIENT_FUNDS'],
      [{ ...command, reference: '' }, [a, b], 'BAD_USER_INPUT', 'reference'],
    ];
    for (const [given, states, code, field] of cases) {
      const refused = refusal(() => decideTransfer(given, states));
      expect(refused.code).toBe(code);
      if (field) expect(refused.details.field).toBe(field);
    }
  });

  it("never puts the destination's balance or owner in a refusal", () => {
    const rich = stateOf([opened('b', '777.77')]);
    for (const states of [[a, rich], [stateOf([opened('a', '1.00')]), rich]]) {
      const refused = refusal(() => decideTransfer({ ...command, amount: 99999n }, states));
      expect(JSON.stringify(refused)).not.toMatch(/777\.77|"u"/);
    }
  });
});

describe('command fingerprints', () => {
  it('are the same for the same input in any key order, and differ for any other input or type', () => {
    const input = { fromAccountId: 'a', toAccountId: 'b', amount: 100n, reference: null };
    expect(fingerprintOf('Transfer', input)).toBe(fingerprintOf('Transfer', { reference: null, amount: 100n, toAccountId: 'b', fromAccountId: 'a' }));
    expect(fingerprintOf('Transfer', { ...input, undefinedIsLeftOut: undefined })).toBe(fingerprintOf('Transfer', input));
    const others = [
      fingerprintOf('Transfer', { ...input, amount: 101n }),
      fingerprintOf('Transfer', { ...input, amount: '100' }),
      fingerprintOf('Transfer', { ...input, toAccountId: 'c' }),
      fingerprintOf('Transfer', { ...input, reference: 'x' }),
      fingerprintOf('Deposit', input),
    ];
    expect(new Set([fingerprintOf('Transfer', input), ...others]).size).toBe(others.length + 1);
  });
});
