/**
 * Event types that can change shape. Each type declares the schema of its
 * data at its current version and a chain of pure upcasters, one per older
 * version (v1→v2, v2→v3, ...). Stored events are never rewritten: every
 * reader upcasts what it reads, so old events read as the current shape.
 * Schemas are zod schemas, checked on append and published as JSON Schema.
 */
import { z } from 'zod';
import { DomainError, ErrorCode } from './errors.js';

export type EventData = { [key: string]: unknown };
/** Turns the data of version n into the data of version n + 1. Pure: no I/O, no clock. */
export type Upcaster = (data: EventData) => EventData;

export interface EventTypeDefinition<Schema extends z.ZodType = z.ZodType, Type extends string = string> {
  readonly type: Type;
  readonly streamType: string;
  /** The current schema version: 1 + the number of upcasters. */
  readonly version: number;
  /** The data at the current version. */
  readonly schema: Schema;
  /** upcasters[i] turns version i + 1 into version i + 2. */
  readonly upcasters: readonly Upcaster[];
  readonly description: string;
  /** The fields that are personal data, sealed with their subject's key (see PersonalFields). */
  readonly personal?: PersonalFields | undefined;
  /** Names the field whose person this event forgets: their data key is destroyed in the append transaction. */
  readonly forgets?: string | undefined;
}

/**
 * Personal data in an event or a snapshot: `fields` (top-level, string or
 * null) are stored sealed with the data key of the person whose id is in
 * `subject`. Everything else stays plain, so replay, projections and the
 * ledger work without any key; once the person is forgotten the fields read
 * as null.
 */
export interface PersonalFields {
  readonly subject: string;
  readonly fields: readonly string[];
}

type Keys<Schema extends z.ZodType> = Extract<keyof z.infer<Schema>, string>;

export function defineEvent<Type extends string, Schema extends z.ZodType>(definition: {
  type: Type;
  streamType: string;
  schema: Schema;
  description: string;
  upcasters?: readonly Upcaster[];
  /** The personal fields of the data and the field naming whose they are (their subject). */
  personal?: { subject: Keys<Schema>; fields: readonly Keys<Schema>[] };
  /** This event forgets the person whose id is in this field (see `forgetUser`). */
  forgets?: Keys<Schema>;
}): EventTypeDefinition<Schema, Type> {
  const upcasters = definition.upcasters ?? [];
  if (definition.personal?.fields.includes(definition.personal.subject)) {
    throw new Error(`Event type ${definition.type}: the subject ${definition.personal.subject} cannot itself be personal (it names whose key to use)`);
  }
  return { ...definition, upcasters, version: upcasters.length + 1 };
}

/** The data type an event definition describes. */
export type DataOf<Definition> = Definition extends EventTypeDefinition<infer Schema, string> ? z.infer<Schema> : never;

/** An event as a decider produces it, typed from its definition (distributes over a union of definitions). */
export type EventOf<Definition> = Definition extends EventTypeDefinition<infer Schema, infer Type> ? { type: Type; data: z.infer<Schema> } : never;

/** An event whose data does not match its type's schema: nothing of its append is written. */
export class EventSchemaError extends DomainError {
  constructor(
    readonly eventType: string,
    readonly field: string,
    problem: string,
  ) {
    super(ErrorCode.BadUserInput, `Event ${eventType} does not match its schema: ${field === '' ? '' : `${field}: `}${problem}`, {
      eventType,
      ...(field === '' ? {} : { field }),
    });
    this.name = 'EventSchemaError';
  }
}

/**
 * Every event type of a set of modules: the current shape of stored data
 * (`upcast`) and the check on append (`check`). A stream type that some
 * module declares events for is that module's: only its declared types may
 * be appended to it, at their current schema version. Types of stream types
 * no module owns pass through untouched both ways (generic use of the store;
 * a log may also hold types this build does not know, and reads keep them).
 */
export class EventCatalog {
  private readonly byType = new Map<string, EventTypeDefinition>();
  /** Stream type -> the event types declared for it. */
  private readonly typesOf = new Map<string, string[]>();

  constructor(definitions: readonly EventTypeDefinition[]) {
    for (const definition of definitions) {
      if (this.byType.has(definition.type)) throw new Error(`Event type ${definition.type} is defined twice`);
      this.byType.set(definition.type, definition);
      const types = this.typesOf.get(definition.streamType);
      if (types) types.push(definition.type);
      else this.typesOf.set(definition.streamType, [definition.type]);
    }
  }

  get definitions(): readonly EventTypeDefinition[] {
    return [...this.byType.values()];
  }

  /** The schema version new events of `type` are written at (1 for unknown types). */
  versionOf(type: string): number {
    return this.byType.get(type)?.version ?? 1;
  }

  /** Data stored at `version`, in the current shape of its type. */
  upcast<Data>(type: string, version: number, data: Data): Data {
    const definition = this.byType.get(type);
    if (!definition || version >= definition.version) return data;
    let current = data as unknown as EventData;
    for (let from = Math.max(version, 1); from < definition.version; from++) current = definition.upcasters[from - 1]!(current);
    return current as unknown as Data;
  }

  /**
   * Throws EventSchemaError when an event may not be appended to a stream of
   * `streamType`: a type not declared for that stream type (when a module owns
   * it), a type declared for another stream type, a `schemaVersion` other
   * than the type's current one (new events are always written in the current
   * shape; older versions exist only in the log), or data that does not match
   * the current schema (naming the first field).
   */
  check(streamType: string, type: string, data: unknown, schemaVersion?: number): void {
    const definition = this.byType.get(type);
    if (!definition) {
      const declared = this.typesOf.get(streamType);
      if (declared) throw new EventSchemaError(type, '', `is not an event type of ${streamType} streams (they take ${declared.join(', ')})`);
      return;
    }
    if (definition.streamType !== streamType) throw new EventSchemaError(type, '', `belongs to ${definition.streamType} streams, not ${streamType}`);
    if (schemaVersion !== undefined && schemaVersion !== definition.version) {
      throw new EventSchemaError(type, '', `schema version ${String(schemaVersion)} is not its current version ${definition.version}: new events are written at the current version`);
    }
    const result = definition.schema.safeParse(data);
    if (result.success) return;
    const issue = result.error.issues[0]!;
    throw new EventSchemaError(type, issue.path.map(String).join('.'), issue.message);
  }

  /** The personal fields of a type, if it has any. */
  personalOf(type: string): PersonalFields | undefined {
    return this.byType.get(type)?.personal;
  }

  /** The field naming the person an event of this type forgets, if it forgets one. */
  forgetsOf(type: string): string | undefined {
    return this.byType.get(type)?.forgets;
  }

  /** The JSON Schema of a type's current data. */
  jsonSchema(type: string): unknown {
    const definition = this.byType.get(type);
    return definition ? z.toJSONSchema(definition.schema, { target: 'draft-2020-12' }) : undefined;
  }
}
