/** The event catalog: schemas checked by name, upcaster chains applied from any stored version, unknown types left alone. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventCatalog, EventSchemaError, defineEvent } from '../src/domain/event-types.js';
import { catalogOf } from '../src/app.js';
import { modules } from '../src/modules.js';

const Evolving = defineEvent({
  type: 'thing_happened',
  streamType: 'Thing',
  description: 'A test type at version 3.',
  schema: z.strictObject({ id: z.string(), size: z.number().int(), unit: z.enum(['cm', 'mm']) }),
  upcasters: [
    (v1) => ({ id: v1.id, size: v1.size }), // v1 → v2: a field dropped
    (v2) => ({ ...v2, size: Number(v2.size) * 10, unit: 'mm' }), // v2 → v3: centimetres became millimetres
  ],
});
const catalog = new EventCatalog([Evolving]);

describe('EventCatalog', () => {
  it('upcasts data from any stored version to the current one, in order', () => {
    expect(Evolving.version).toBe(3);
    expect(catalog.upcast('thing_happened', 1, { id: 'a', size: 2, colour: 'red' })).toEqual({ id: 'a', size: 20, unit: 'mm' });
    expect(catalog.upcast('thing_happened', 2, { id: 'a', size: 2 })).toEqual({ id: 'a', size: 20, unit: 'mm' });
    const current = { id: 'a', size: 5, unit: 'cm' };
    expect(catalog.upcast('thing_happened', 3, current)).toBe(current);
    expect(catalog.upcast('unknown_type', 1, current)).toBe(current);
  });

  it('checks data against the current schema, naming the field', () => {
    expect(() => catalog.check('Thing', 'thing_happened', { id: 'a', size: 1, unit: 'cm' })).not.toThrow();
    const failure = (data: unknown, streamType = 'Thing') => {
      try {
        catalog.check(streamType, 'thing_happened', data);
      } catch (error) {
        return error as EventSchemaError;
      }
      throw new Error('expected a refusal');
    };
    expect(failure({ id: 'a', size: 1.5, unit: 'cm' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'size', eventType: 'thing_happened' });
    expect(failure({ id: 'a', size: 1 }).field).toBe('unit');
    expect(failure({ id: 'a', size: 1, unit: 'cm' }, 'Other').message).toMatch(/belongs to Thing streams/);
    expect(() => catalog.check('Anything', 'unknown_type', { whatever: true })).not.toThrow();
  });

  it('publishes each schema as JSON Schema', () => {
    expect(catalog.jsonSchema('thing_happened')).toMatchObject({ type: 'object', required: ['id', 'size', 'unit'], additionalProperties: false });
  });

  it('holds every shipped event type once, each reading its own examples', () => {
    const shipped = catalogOf(modules);
    expect(shipped.definitions.map((definition) => definition.type).sort()).toEqual([
      'account_closed', 'account_created', 'money_deposited', 'money_transferred_in', 'money_transferred_out', 'money_withdrawn', 'user_registered', 'user_updated',
    ]);
    expect(() => new EventCatalog([Evolving, Evolving])).toThrow(/defined twice/);
    expect(shipped.upcast('money_deposited', 1, { accountId: 'a', amount: '1.00' })).toEqual({ accountId: 'a', amount: '1.00', reference: null });
  });
});
