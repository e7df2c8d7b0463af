/** Short human text for events, and the account balance each event leads to. */
import type { EventFieldsFragment } from './gql/graphql';
import { formatCents, toCents } from './money';

type Data = Record<string, unknown>;

function field(data: unknown, name: string): string | undefined {
  const value = data && typeof data === 'object' ? (data as Data)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function describeEvent(event: Pick<EventFieldsFragment, 'type' | 'data'>): string {
  const { data } = event;
  switch (event.type) {
    case 'account_created':
      return `opened with ${field(data, 'initialBalance') ?? '?'} ${field(data, 'currency') ?? ''}`.trim();
    case 'money_deposited':
      return `+${field(data, 'amount') ?? '?'}${field(data, 'description') ? ` (${field(data, 'description')})` : ''}`;
    case 'money_withdrawn':
      return `-${field(data, 'amount') ?? '?'}${field(data, 'description') ? ` (${field(data, 'description')})` : ''}`;
    case 'account_closed':
      return 'closed';
    case 'user_registered':
      return `${field(data, 'name') ?? '?'} <${field(data, 'email') ?? '?'}>`;
    case 'user_updated':
      return Object.entries((data ?? {}) as Data)
        .filter(([key]) => key !== 'userId')
        .map(([key, value]) => `${key} → ${String(value)}`)
        .join(', ');
    default:
      return '';
  }
}

/** How an account event moves the balance, in cents (undefined for other streams). */
function balanceChange(event: Pick<EventFieldsFragment, 'type' | 'data'>): bigint | undefined {
  switch (event.type) {
    case 'account_created':
      return toCents(field(event.data, 'initialBalance') ?? '0');
    case 'money_deposited':
      return toCents(field(event.data, 'amount') ?? '0');
    case 'money_withdrawn':
      return -toCents(field(event.data, 'amount') ?? '0');
    case 'account_closed':
      return 0n;
    default:
      return undefined;
  }
}

export interface BalancePoint {
  version: number;
  cents: bigint;
  label: string;
}

/** The balance after each version of an account's stream (exact, from the events' decimal strings). */
export function balanceSeries(events: readonly Pick<EventFieldsFragment, 'type' | 'data' | 'version'>[]): BalancePoint[] {
  const points: BalancePoint[] = [];
  let cents = 0n;
  for (const event of events) {
    const change = balanceChange(event);
    if (change === undefined) return [];
    cents += change;
    points.push({ version: event.version, cents, label: formatCents(cents) });
  }
  return points;
}

export function formatTime(timestamp: string): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : date.toISOString().replace('T', ' ').replace('Z', '');
}
