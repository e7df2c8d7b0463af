/** Events of the User stream, with the schema of each. */
import { z } from 'zod';
import { defineEvent, type EventOf } from '../domain/event-types.js';

export const UserStreamType = 'User';

const Id = z.string().min(1).max(200);
const Email = z.string().min(3).max(254);
const Name = z.string().min(1).max(200);

export const UserRegistered = defineEvent({
  type: 'user_registered',
  streamType: UserStreamType,
  description: 'A person registered with an email address and a display name.',
  schema: z.strictObject({ userId: Id, email: Email, name: Name }),
});

/** Carries only the fields that changed. */
export const UserUpdated = defineEvent({
  type: 'user_updated',
  streamType: UserStreamType,
  description: 'A user changed their email address and/or display name (only the fields that changed).',
  schema: z.strictObject({ userId: Id, email: Email.optional(), name: Name.optional() }),
});

export const userEvents = [UserRegistered, UserUpdated] as const;

export type UserEvent = EventOf<(typeof userEvents)[number]>;
