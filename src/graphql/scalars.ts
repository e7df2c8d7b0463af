/** The API's scalars: exact money, UTC timestamps and JSON. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { formatMoney, parseMoney } from '../domain/money.js';

/** `invalidValue` marks the error through graphql-js's and Apollo's re-wrapping; formatError strips it. */
const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', invalidValue: true } });

function parseDecimal(value: unknown): bigint {
  if (typeof value !== 'string') throw badInput('Decimal must be given as a string, e.g. "12.50"');
  const cents = parseMoney(value);
  if (cents === null) throw badInput(`"${value.slice(0, 40)}" is not a decimal amount with at most two fraction digits`);
  return cents;
}

export const DecimalScalar = new GraphQLScalarType<bigint, string>({
  name: 'Decimal',
  description: 'An exact amount as decimal text with two fraction digits, e.g. "1300.00".',
  serialize(value) {
    if (typeof value === 'bigint') return formatMoney(value);
    if (typeof value === 'string' && parseMoney(value) !== null) return formatMoney(parseMoney(value)!);
    throw new TypeError('Decimal cannot represent this value');
  },
  parseValue: parseDecimal,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw badInput('Decimal must be given as a string, e.g. "12.50"');
    return parseDecimal(ast.value);
  },
});

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DATE_TIME_FORMAT = 'DateTime must be an ISO-8601 date-time with a time zone, e.g. "2026-11-30T06:23:51.123Z"';
/** Both databases store these (PostgreSQL has no year 0; JavaScript and SQLite would take year 10000 differently). */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Strict: every field in its range (no February 30, no 24:00, no second 60,
 * offsets up to 23:59), where JavaScript's Date would roll over silently.
 */
function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
  if (!match) throw badInput(DATE_TIME_FORMAT);
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const valid =
    year! >= 1 && month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth(year!, month!) &&
    hour! <= 23 && minute! <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  const date = valid ? new Date(value as string) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw badInput(`"${String(value).slice(0, 40)}" is not a valid date-time`);
  if (date.getTime() < EARLIEST || date.getTime() > LATEST) throw badInput(`"${String(value).slice(0, 40)}" is outside the years 0001 to 9999 (UTC)`);
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time in UTC with milliseconds.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent this value');
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be given as a string');
    return parseDateTime(ast.value);
  },
});

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((value) => literalToJson(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalToJson(field.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw badInput('Not a JSON value');
  }
}

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});
