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

  it("refuses on a module's stream type any type it does not declare, and a schema version other than the current one", () => {
    const Other = defineEvent({ type: 'thing_moved', streamType: 'Thing', description: 'Another Thing event.', schema: z.strictObject({ id: z.string() }) });
    const Foreign = defineEvent({ type: 'gadget_made', streamType: 'Gadget', description: 'Another stream type.', schema: z.strictObject({ id: z.string() }) });
    const owned = new EventCatalog([Evolving, Other, Foreign]);
    const refusal = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return error as EventSchemaError;
      }
      throw new Error('expected a refusal');
    };
    // A type nobody declares, on a stream type a module owns.
    const unknown = refusal(() => owned.check('Thing', 'thing_vanished', { id: 'a' }));
    expect(unknown).toBeInstanceOf(EventSchemaError);
    expect(unknown).toMatchObject({ code: 'BAD_USER_INPUT', eventType: 'thing_vanished' });
    expect(unknown.message).toMatch(/not an event type of Thing streams.*thing_happened, thing_moved/);
    // A type another module declares.
    expect(refusal(() => owned.check('Thing', 'gadget_made', { id: 'a' }))).toMatchObject({ code: 'BAD_USER_INPUT', eventType: 'gadget_made' });
    expect(refusal(() => owned.check('Gadget', 'thing_moved', { id: 'a' })).message).toMatch(/belongs to Thing streams, not Gadget/);
    // Schema versions: only the current one (3 for thing_happened), or none (stamped with the current one).
    const data = { id: 'a', size: 1, unit: 'cm' };
    expect(() => owned.check('Thing', 'thing_happened', data, 3)).not.toThrow();
    expect(() => owned.check('Thing', 'thing_happened', data)).not.toThrow();
    for (const version of [1, 2, 4, 0, -1, 2.5, Number.NaN]) {
      const stale = refusal(() => owned.check('Thing', 'thing_happened', data, version));
      expect(stale).toMatchObject({ code: 'BAD_USER_INPUT', eventType: 'thing_happened' });
      expect(stale.message).toMatch(/schema version .* is not its current version 3/);
    }
    expect(refusal(() => owned.check('Thing', 'thing_moved', { id: 'a' }, 2)).message).toMatch(/current version 1/);
    // Stream types no module owns: anything goes, at any version (generic use of the store).
    expect(() => owned.check('Widget', 'widget_made', { anything: true }, 7)).not.toThrow();
    // The shipped modules: a user event on an account stream, or an unknown type there, is refused.
    const shipped = catalogOf(modules);
    expect(refusal(() => shipped.check('BankAccount', 'user_registered', { userId: 'u', email: 'u@example.com', name: 'U' })).message).toMatch(/belongs to User streams/);
    expect(refusal(() => shipped.check('BankAccount', 'money_gifted', { accountId: 'a' })).message).toMatch(/not an event type of BankAccount streams/);
  });

  it('publishes each schema as JSON Schema', () => {
    expect(catalog.jsonSchema('thing_happened')).toMatchObject({ type: 'object', required: ['id', 'size', 'unit'], additionalProperties: false });
  });

  it('holds every shipped event type once, each reading its own examples', () => {
    const shipped = catalogOf(modules);
    expect(shipped.definitions.map((definition) => definition.type).sort()).toEqual([
      'account_closed', 'account_created', 'money_deposited', 'money_transferred_in', 'money_transferred_out', 'money_withdrawn', 'user_forgotten', 'user_registered', 'user_updated',
    ]);
    // Personal data is declared where it is written, with whose it is.
    expect(shipped.personalOf('user_registered')).toEqual({ subject: 'userId', fields: ['email', 'name'] });
    expect(shipped.personalOf('money_deposited')).toBeUndefined();
    expect(shipped.forgetsOf('user_forgotten')).toBe('userId');
    expect(() => shipped.check('User', 'user_forgotten', { userId: 'u' })).not.toThrow();
    expect(() => new EventCatalog([Evolving, Evolving])).toThrow(/defined twice/);
    expect(shipped.upcast('money_deposited', 1, { accountId: 'a', amount: '1.00' })).toEqual({ accountId: 'a', amount: '1.00', reference: null });
  });
});

describe('personal fields in event definitions', () => {
  it('refuses a subject that is itself declared personal (it names whose key to use)', () => {
    expect(() =>
      defineEvent({ type: 'noted', streamType: 'Thing', description: 'x', schema: z.strictObject({ who: z.string(), note: z.string() }), personal: { subject: 'who', fields: ['who', 'note'] } }),
    ).toThrow(/cannot itself be personal/);
  });
});
