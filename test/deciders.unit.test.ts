import { describe, expect, it } from 'vitest';
import { accountDecider } from '../src/accounts/decider.js';
import type { AccountEvent } from '../src/accounts/events.js';
import { userDecider } from '../src/users/decider.js';
import { formatMoney, parseMoney } from '../src/domain/money.js';
import { spec } from './helpers/given.js';

const account = spec(accountDecider);
const user = spec(userDecider);
const created: AccountEvent = { type: 'account_created', data: { accountId: 'a', ownerId: 'u', currency: 'USD', initialBalance: '10.00' } };
const open = { type: 'OpenAccount' as const, accountId: 'a', ownerId: 'u', ownerRegistered: true, initialBalance: 1000n, currency: 'USD' };

describe('money', () => {
  it('parses plain decimal text exactly and refuses everything else', () => {
    expect(parseMoney('1300')).toBe(130000n);
    expect(parseMoney('0.1')).toBe(10n);
    expect(parseMoney('12.34')).toBe(1234n);
    expect(parseMoney('-5.5')).toBe(-550n);
    for (const bad of ['abc', '1e3', '0.001', '', '1.', '.5', '1,5', ' ', '0x10', 'Infinity', '1.2.3']) expect(parseMoney(bad)).toBeNull();
  });
  it('formats with exactly two fraction digits, no float anywhere', () => {
    expect(formatMoney(130000n)).toBe('1300.00');
    expect(formatMoney(5n)).toBe('0.05');
    expect(formatMoney(-550n)).toBe('-5.50');
    // 0.1 + 0.2 in cents is exactly 0.30
    expect(formatMoney(parseMoney('0.1')! + parseMoney('0.2')!)).toBe('0.30');
    expect(formatMoney(parseMoney('999999999999999.99')!)).toBe('999999999999999.99');
  });
});

describe('BankAccount decider', () => {
  it('opens an account with its initial balance and currency', () =>
    account([]).when(open).then([{ type: 'account_created', data: { accountId: 'a', ownerId: 'u', currency: 'USD', initialBalance: '10.00' } }]));
  it('refuses an unknown owner', () => account([]).when({ ...open, ownerRegistered: false }).thenFails('NOT_FOUND'));
  it('refuses a bad currency', () => {
    for (const currency of ['usd', 'US', 'USDT', '123']) account([]).when({ ...open, currency }).thenFails('BAD_USER_INPUT');
  });
  it('refuses a negative initial balance', () => account([]).when({ ...open, initialBalance: -1n }).thenFails('BAD_USER_INPUT'));
  it('refuses opening twice', () => account([created]).when(open).thenFails('ALREADY_EXISTS'));
  it('deposits a positive amount', () =>
    account([created]).when({ type: 'Deposit', accountId: 'a', amount: 250n, description: 'pay' }).then([
      { type: 'money_deposited', data: { accountId: 'a', amount: '2.50', reference: null, description: 'pay' } },
    ]));
  it('keeps a payment reference, trimmed, and refuses an empty or overlong one', () => {
    account([created]).when({ type: 'Deposit', accountId: 'a', amount: 1n, reference: ' INV-7 ' }).then([
      { type: 'money_deposited', data: { accountId: 'a', amount: '0.01', reference: 'INV-7' } },
    ]);
    account([created]).when({ type: 'Withdraw', accountId: 'a', amount: 1n, reference: 'x'.repeat(141) }).thenFails('BAD_USER_INPUT');
    account([created]).when({ type: 'Deposit', accountId: 'a', amount: 1n, reference: '  ' }).thenFails('BAD_USER_INPUT');
  });
  it('refuses zero and negative amounts', () => {
    account([created]).when({ type: 'Deposit', accountId: 'a', amount: 0n }).thenFails('BAD_USER_INPUT');
    account([created]).when({ type: 'Withdraw', accountId: 'a', amount: -5n }).thenFails('BAD_USER_INPUT');
  });
  it('refuses a deposit to an unknown account', () => account([]).when({ type: 'Deposit', accountId: 'a', amount: 1n }).thenFails('NOT_FOUND'));
  it('withdraws down to exactly zero but never below', () => {
    account([created]).when({ type: 'Withdraw', accountId: 'a', amount: 1000n }).then([{ type: 'money_withdrawn', data: { accountId: 'a', amount: '10.00', reference: null } }]);
    account([created]).when({ type: 'Withdraw', accountId: 'a', amount: 1001n }).thenFails('INSUFFICIENT_FUNDS');
  });
  it('closes only an empty account', () => {
    account([created]).when({ type: 'CloseAccount', accountId: 'a' }).thenFails('BAD_USER_INPUT');
    const emptied: AccountEvent = { type: 'money_withdrawn', data: { accountId: 'a', amount: '10.00', reference: null } };
    account([created, emptied]).when({ type: 'CloseAccount', accountId: 'a' }).then([{ type: 'account_closed', data: { accountId: 'a' } }]);
  });
  it('does nothing on a closed account', () => {
    const closed: AccountEvent[] = [
      { type: 'account_created', data: { accountId: 'a', ownerId: 'u', currency: 'EUR', initialBalance: '0.00' } },
      { type: 'account_closed', data: { accountId: 'a' } },
    ];
    account(closed).when({ type: 'Deposit', accountId: 'a', amount: 1n }).thenFails('ACCOUNT_CLOSED');
    account(closed).when({ type: 'Withdraw', accountId: 'a', amount: 1n }).thenFails('ACCOUNT_CLOSED');
    account(closed).when({ type: 'CloseAccount', accountId: 'a' }).thenFails('ACCOUNT_CLOSED');
  });
  it('round-trips its state through a snapshot', () => {
    const state = accountDecider.evolve(accountDecider.initialState, { ...created, timestamp: new Date(0) });
    expect(accountDecider.fromSnapshot(JSON.parse(JSON.stringify(accountDecider.toSnapshot(state))))).toEqual(state);
  });
});

describe('User decider', () => {
  const registered = { type: 'user_registered' as const, data: { userId: 'u', email: 'a@b.co', name: 'Ann' } };
  it('registers a user, trimming input', () =>
    user([]).when({ type: 'RegisterUser', userId: 'u', email: ' a@b.co ', name: ' Ann ' }).then([registered]));
  it('refuses a bad email or an empty name', () => {
    user([]).when({ type: 'RegisterUser', userId: 'u', email: 'nope', name: 'Ann' }).thenFails('BAD_USER_INPUT');
    user([]).when({ type: 'RegisterUser', userId: 'u', email: 'a@b.co', name: '  ' }).thenFails('BAD_USER_INPUT');
  });
  it('refuses registering twice', () => user([registered]).when({ type: 'RegisterUser', userId: 'u', email: 'x@y.zz', name: 'B' }).thenFails('ALREADY_EXISTS'));
  it('records only the fields that changed', () =>
    user([registered]).when({ type: 'UpdateUser', userId: 'u', email: 'a@b.co', name: 'Anna' }).then([{ type: 'user_updated', data: { userId: 'u', name: 'Anna' } }]));
  it('records nothing when nothing changed', () => user([registered]).when({ type: 'UpdateUser', userId: 'u', name: 'Ann' }).then([]));
  it('refuses an update with no field, or of an unknown user', () => {
    user([registered]).when({ type: 'UpdateUser', userId: 'u' }).thenFails('BAD_USER_INPUT');
    user([]).when({ type: 'UpdateUser', userId: 'u', name: 'X' }).thenFails('NOT_FOUND');
  });
  const forgotten = { type: 'user_forgotten' as const, data: { userId: 'u' } };
  it('forgets a user once; forgetting again records nothing', () => {
    user([registered]).when({ type: 'ForgetUser', userId: 'u' }).then([forgotten]);
    user([registered, forgotten]).when({ type: 'ForgetUser', userId: 'u' }).then([]);
    user([]).when({ type: 'ForgetUser', userId: 'u' }).thenFails('NOT_FOUND');
  });
  it('lets a forgotten user change nothing, and never gives their id again', () => {
    user([registered, forgotten]).when({ type: 'UpdateUser', userId: 'u', name: 'Back' }).thenFails('FORGOTTEN');
    user([registered, forgotten]).when({ type: 'RegisterUser', userId: 'u', email: 'a@b.co', name: 'Ann' }).thenFails('ALREADY_EXISTS');
  });
});
