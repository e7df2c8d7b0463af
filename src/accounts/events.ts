/** Events of the BankAccount stream. Amounts are decimal text with two fraction digits. */
export const AccountStreamType = 'BankAccount';

export type AccountCreated = {
  type: 'account_created';
  data: { accountId: string; ownerId: string; currency: string; initialBalance: string };
};
export type MoneyDeposited = {
  type: 'money_deposited';
  data: { accountId: string; amount: string; description?: string };
};
export type MoneyWithdrawn = {
  type: 'money_withdrawn';
  data: { accountId: string; amount: string; description?: string };
};
export type AccountClosed = {
  type: 'account_closed';
  data: { accountId: string };
};

export type AccountEvent = AccountCreated | MoneyDeposited | MoneyWithdrawn | AccountClosed;
export const accountEventTypes = ['account_created', 'money_deposited', 'money_withdrawn', 'account_closed'] as const;
