/**
 * Decimal strings ("1300.00") as exact integer cents. Amounts are never
 * parsed into floats; only the chart turns cents into a number, for scaling.
 */
const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

export function toCents(text: string): bigint {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new Error(`Not a decimal amount: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const cents = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign ? -cents : cents;
}

export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  const whole = (absolute / 100n).toString();
  const fraction = (absolute % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** "+50.25" / "-30.00" for a change in balance. */
export function formatChange(cents: bigint): string {
  return cents < 0n ? formatCents(cents) : `+${formatCents(cents)}`;
}
