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

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
    throw badInput('DateTime must be an ISO-8601 date-time with a time zone, e.g. "2026-11-30T06:23:51.123Z"');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`"${value}" is not a valid date-time`);
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
