/**
 * Exact money. Amounts are held as integer cents in a bigint and written as
 * decimal text with exactly two fraction digits ("1300.00"). No float ever
 * touches an amount: parsing is by pattern, arithmetic is integer arithmetic.
 */
export type Cents = bigint;

const DECIMAL_TEXT = /^(-)?(\d{1,15})(?:\.(\d{1,2}))?$/;

/** Parses plain decimal text with at most two fraction digits; null when it is not one. */
export function parseMoney(text: string): Cents | null {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const cents = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign ? -cents : cents;
}

/** Formats cents as decimal text with exactly two fraction digits. */
export function formatMoney(cents: Cents): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
