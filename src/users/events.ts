/** Events of the User stream, with the schema of each. */
import { z } from 'zod';
import { defineEvent, type EventOf } from '../domain/event-types.js';

export const UserStreamType = 'User';

const Id = z.string().min(1).max(200);
const Email = z.string().min(3).max(254);
const Name = z.string().min(1).max(200);

/** A person's email and name are personal data: stored sealed with their own key, null once they are forgotten. */
export const UserRegistered = defineEvent({
  type: 'user_registered',
  streamType: UserStreamType,
  description: 'A person registered with an email address and a display name.',
  schema: z.strictObject({ userId: Id, email: Email, name: Name }),
  personal: { subject: 'userId', fields: ['email', 'name'] },
});

/** Carries only the fields that changed. */
export const UserUpdated = defineEvent({
  type: 'user_updated',
  streamType: UserStreamType,
  description: 'A user changed their email address and/or display name (only the fields that changed).',
  schema: z.strictObject({ userId: Id, email: Email.optional(), name: Name.optional() }),
  personal: { subject: 'userId', fields: ['email', 'name'] },
});

/** Destroys the person's data key in its own append transaction: every earlier email and name reads as null from then on. */
export const UserForgotten = defineEvent({
  type: 'user_forgotten',
  streamType: UserStreamType,
  description: "A person was forgotten (erasure): their data key was destroyed, so their email and name read as null everywhere, for every version. The id is never reused.",
  schema: z.strictObject({ userId: Id }),
  forgets: 'userId',
});

export const userEvents = [UserRegistered, UserUpdated, UserForgotten] as const;

export type UserEvent = EventOf<(typeof userEvents)[number]>;
