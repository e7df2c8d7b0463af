/** What the transfer mutation answers: the source always, the destination only to a caller who may read it. */
import type { AcrossStreamsResult } from '../commands/across-streams.js';
import type { StoredEvent } from '../eventstore/types.js';
import { parseMoney } from '../domain/money.js';
import type { AccountState } from './decider.js';
import type { AccountView } from './read-model.js';
import { accountView } from './use-cases.js';

export interface TransferView {
  readonly id: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: bigint;
  readonly reference: string | null;
  readonly timestamp: Date;
}

export function transferPayload(
  result: AcrossStreamsResult<AccountState>,
  showDestination: boolean,
): { transfer: TransferView; fromAccount: AccountView; toAccount: AccountView | null; events: StoredEvent[] } {
  const [from, to] = result.streams;
  const fromAccount = from && accountView(from.state, from.version);
  const out = from?.events[0];
  if (!from || !to || !fromAccount || !out) throw new Error('A transfer left no source account or event to show');
  const data = out.data as { transferId: string; fromAccountId: string; toAccountId: string; amount: string; reference: string | null };
  return {
    transfer: {
      id: data.transferId,
      fromAccountId: data.fromAccountId,
      toAccountId: data.toAccountId,
      amount: parseMoney(data.amount) ?? 0n,
      reference: data.reference,
      timestamp: out.timestamp,
    },
    fromAccount,
    toAccount: showDestination ? accountView(to.state, to.version) : null,
    events: showDestination ? [...from.events, ...to.events] : [...from.events],
  };
}
