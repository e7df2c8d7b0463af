/**
 * The personal-data codec between the store and everything above it, driven
 * by the event catalog (which fields of which event type are personal, and
 * whose) and by the modules' snapshot declarations. Writes seal personal
 * fields with their subject's key; reads open them, a batch at a time. A
 * field whose subject was forgotten reads as null, whether it was sealed or
 * (legacy data not yet encrypted in place) plain. Everything else passes
 * through untouched, without any key look-up.
 */
import type { PersonalFields } from '../domain/event-types.js';
import type { EncodedAppend, EventCodec, JsonObject, NewEvent, Snapshot, StoredEvent, StreamAppend } from '../eventstore/types.js';
import { FORGET_EPOCH, type DataKeys, type KeyState, type StagedKey } from './data-keys.js';
import { isSealed, openValue, sealValue } from './seal.js';

export interface PersonalCatalog {
  personalOf(type: string): PersonalFields | undefined;
  /** The field naming whom an event of this type forgets, if it forgets. */
  forgetsOf(type: string): string | undefined;
}

/** Opened values kept per process (each sealed value is unique: its nonce is random). */
const OPENED_LIMIT = 50_000;

export class PersonalDataCodec implements EventCodec {
  /** Values that did not open (damaged, sealed with a key since replaced, or whose key is missing): read as null. Exported on /metrics. */
  unreadable = 0;
  /**
   * Sealed value → its plaintext, for values opened or sealed here lately, so
   * reading the same events again costs a look-up instead of a decryption.
   * Dropped with the key cache whenever anyone is forgotten, and filled only
   * for the forget epoch it was checked against.
   */
  private readonly opened = new Map<string, JsonObject[string]>();

  constructor(
    private readonly catalog: PersonalCatalog,
    /** Personal fields of each stream type's snapshots. */
    private readonly snapshots: ReadonlyMap<string, PersonalFields>,
    readonly keys: DataKeys,
  ) {
    keys.onDrop(() => this.opened.clear());
  }

  private remember(sealed: string, value: JsonObject[string], epoch: bigint | undefined): void {
    if (epoch !== this.keys.validFor) return;
    this.opened.set(sealed, value);
    if (this.opened.size > OPENED_LIMIT) this.opened.delete(this.opened.keys().next().value as string);
  }

  /**
   * Seals the append's personal fields. A subject without a stored key gets
   * a new one, stored by the append's own transaction (`carried`): so a
   * failed append leaves no key behind, and an append whose subject got
   * another key meanwhile (another process) fails there and is sealed again.
   */
  async encodeAppend(streams: readonly StreamAppend[]): Promise<EncodedAppend> {
    const staged = new Map<string, StagedKey>();
    const forgets: string[] = [];
    const events: NewEvent[][] = [];
    for (const part of streams) {
      const encoded: NewEvent[] = [];
      for (const event of part.events) {
        const forgotten = this.catalog.forgetsOf(event.type);
        if (forgotten !== undefined && typeof event.data[forgotten] === 'string') forgets.push(event.data[forgotten]);
        const personal = this.catalog.personalOf(event.type);
        // A person whose own stream this append starts has no key yet: theirs is made without a look-up.
        // (Were it there after all, the append fails on it and is sealed again, with the stored one.)
        const keyOf = (subject: string) => this.keyForAppend(subject, staged, subject === part.streamId && (part.expectedVersion === 'no_stream' || part.expectedVersion === 0));
        encoded.push(personal ? { ...event, data: await this.seal(personal, event.data, keyOf) } : event);
      }
      events.push(encoded);
    }
    const keys = [...staged.values()];
    return {
      events,
      carried: { values: keys, statements: this.keys.stored },
      settle: (committed) => {
        // This process need not wait for the forget epoch to stop writing for whom it forgot.
        if (committed) this.keys.forgotten(forgets);
        return this.keys.settle(keys, committed);
      },
    };
  }

  private async keyForAppend(subject: string, staged: Map<string, StagedKey>, isNew: boolean): Promise<Buffer> {
    const found = await this.keys.forAppend(subject, isNew);
    if (Buffer.isBuffer(found)) return found;
    staged.set(subject, found);
    return found.key;
  }

  async encodeSnapshot(snapshot: Snapshot): Promise<Snapshot> {
    const personal = this.snapshots.get(snapshot.streamType);
    if (!personal || !isObject(snapshot.state)) return snapshot;
    return { ...snapshot, state: await this.seal(personal, snapshot.state, (subject) => this.keys.forWrite(subject)) };
  }

  /** The forget epoch, read by the store in the same statement as the events and snapshots it decodes. */
  readonly readAlong = FORGET_EPOCH;

  async decode(events: readonly StoredEvent[], snapshots: readonly Snapshot[], along?: unknown): Promise<{ events: StoredEvent[]; snapshots: Snapshot[] }> {
    const subjects = new Set<string>();
    const eventFields = events.map((event) => this.fieldsOf(this.catalog.personalOf(event.type), event.data, subjects));
    const snapshotFields = snapshots.map((snapshot) => this.fieldsOf(this.snapshots.get(snapshot.streamType), snapshot.state, subjects));
    if (subjects.size === 0) return { events: [...events], snapshots: [...snapshots] };
    const keys = await this.keys.forRead(subjects, epochOf(along));
    const epoch = this.keys.validFor;
    return {
      events: events.map((event, i) => {
        const personal = eventFields[i];
        return personal ? { ...event, data: this.open(personal, event.data, keys, epoch) } : event;
      }),
      snapshots: snapshots.map((snapshot, i) => {
        const personal = snapshotFields[i];
        return personal ? { ...snapshot, state: this.open(personal, snapshot.state as JsonObject, keys, epoch) } : snapshot;
      }),
    };
  }

  /** Rows of a read model that copied personal fields from events, opened like events (one key batch for all). */
  async openRecords(personal: PersonalFields, records: readonly JsonObject[]): Promise<JsonObject[]> {
    const subjects = new Set<string>();
    const found = records.map((record) => this.fieldsOf(personal, record, subjects));
    if (subjects.size === 0) return [...records];
    const keys = await this.keys.forRead(subjects);
    const epoch = this.keys.validFor;
    return records.map((record, i) => (found[i] ? this.open(personal, record, keys, epoch) : record));
  }

  /** The declaration when `data` has a subject, noting the subject; undefined when there is nothing to open. */
  private fieldsOf(personal: PersonalFields | undefined, data: unknown, subjects: Set<string>): PersonalFields | undefined {
    if (!personal || !isObject(data)) return undefined;
    const subject = data[personal.subject];
    if (typeof subject !== 'string') return undefined;
    subjects.add(subject);
    return personal;
  }

  private async seal(personal: PersonalFields, data: JsonObject, keyOf: (subject: string) => Promise<Buffer>): Promise<JsonObject> {
    const subject = data[personal.subject];
    if (typeof subject !== 'string') return data;
    // Whatever is written here is plaintext (commands' data, states opened on read), even when it
    // happens to start like a sealed value ("pd1:..." is a valid name or email): all of it is sealed.
    const present = personal.fields.filter((field) => data[field] !== undefined && data[field] !== null);
    if (present.length === 0) return data;
    const key = await keyOf(subject);
    const epoch = this.keys.validFor;
    const sealed: JsonObject = { ...data };
    for (const field of present) {
      const value = sealValue(key, subject, data[field]);
      sealed[field] = value;
      // The tailer and the next reads will meet this value: they need not decrypt it.
      this.remember(value, data[field]!, epoch);
    }
    return sealed;
  }

  private open(personal: PersonalFields, data: JsonObject, keys: ReadonlyMap<string, KeyState>, epoch: bigint | undefined): JsonObject {
    const subject = data[personal.subject] as string;
    const key = keys.get(subject) ?? 'none';
    const opened: JsonObject = { ...data };
    for (const field of personal.fields) {
      const value = data[field];
      if (value === undefined || value === null) continue;
      if (key === 'forgotten') opened[field] = null;
      else if (!isSealed(value)) continue;
      else if (key === 'none') {
        // Sealed, but no key was ever stored for this person here (keys lost in a move, say): it cannot open.
        this.unreadable++;
        opened[field] = null;
      }
      else {
        const known = this.opened.get(value);
        if (known !== undefined) {
          opened[field] = known;
          continue;
        }
        try {
          opened[field] = openValue(key, subject, value) as JsonObject[string];
          this.remember(value, opened[field], epoch);
        } catch {
          this.unreadable++;
          opened[field] = null;
        }
      }
    }
    return opened;
  }
}

/** The epoch as the store read it along (a number, a bigint or a numeric string by driver; null: no epoch row, 0). */
const epochOf = (along: unknown): bigint | undefined =>
  along === undefined ? undefined : along === null ? 0n : typeof along === 'bigint' || typeof along === 'number' || typeof along === 'string' ? BigInt(along) : undefined;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
