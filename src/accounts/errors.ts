/** The refusals only accounts make, beside the shared codes (BAD_USER_INPUT, NOT_FOUND, ...). */
import { DomainError } from '../domain/errors.js';

export const AccountErrorCode = {
  InsufficientFunds: 'INSUFFICIENT_FUNDS',
  AccountClosed: 'ACCOUNT_CLOSED',
} as const;

export const accountErrorCodes: Record<string, string> = {
  [AccountErrorCode.InsufficientFunds]: 'A withdrawal or transfer larger than the balance of the account it takes money from.',
  [AccountErrorCode.AccountClosed]: "Any command on a closed account, a transfer's source or destination included.",
};

export const insufficientFunds = (message: string, details: Record<string, unknown>) => new DomainError(AccountErrorCode.InsufficientFunds, message, details);
export const accountClosed = (message: string, details: Record<string, unknown>) => new DomainError(AccountErrorCode.AccountClosed, message, details);
