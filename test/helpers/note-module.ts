/**
 * A test-only aggregate whose events hold another stream's person's data: a
 * note about its author, sealed with the author's key (the author is a User
 * stream). Tests append its events straight into the store.
 */
import { z } from 'zod';
import type { Decider } from '../../src/domain/decider.js';
import { defineEvent } from '../../src/domain/event-types.js';
import type { AggregateModule } from '../../src/module.js';

const NoteWritten = defineEvent({
  type: 'note_written',
  streamType: 'Note',
  description: 'A person wrote a note about themselves.',
  schema: z.strictObject({ noteId: z.string(), authorId: z.string(), text: z.string().nullable() }),
  personal: { subject: 'authorId', fields: ['text'] },
});

export interface NoteState {
  readonly authorId: string | null;
  readonly text: string | null;
}

type NoteEvent = { type: 'note_written'; data: { noteId: string; authorId: string; text: string | null } };

export const noteDecider: Decider<NoteState, never, NoteEvent> = {
  streamType: 'Note',
  revision: 1,
  initialState: { authorId: null, text: null },
  evolve: (_state, event) => ({ authorId: event.data.authorId, text: event.data.text }),
  decide: () => {
    throw new Error('Notes take no commands');
  },
  toSnapshot: (state) => ({ ...state }),
  fromSnapshot: (json) => json as unknown as NoteState,
};

export const noteModule: AggregateModule = {
  name: 'notes',
  decider: noteDecider,
  events: [NoteWritten],
  projections: [],
  resolvers: {},
  ownership: { kind: 'self' },
  errorCodes: {},
};
