import { assertNever, type DecideContext, type Decider, type Recorded } from '../domain/decider.js';
import { alreadyExists, badInput, forgotten, notFound } from '../domain/errors.js';
import { UserStreamType, type UserEvent } from './events.js';

/**
 * A user's email and name are null once they are forgotten: the events hold
 * them sealed with a key that no longer exists, so they read as null at every
 * version, and a state folded from them has none either.
 */
export type UserState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly id: string;
      readonly email: string | null;
      readonly name: string | null;
      readonly registeredAt: Date;
      readonly forgotten: boolean;
    };

export type UserCommand =
  | { type: 'RegisterUser'; userId: string; email: string; name: string }
  | { type: 'UpdateUser'; userId: string; email?: string | undefined; name?: string | undefined }
  | { type: 'ForgetUser'; userId: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 254;
const MAX_NAME = 200;

function normaliseEmail(email: string): string {
  const trimmed = email.trim();
  if (trimmed.length > MAX_EMAIL || !EMAIL.test(trimmed)) throw badInput('Email must be an address like name@example.com', { field: 'email' });
  return trimmed;
}

function normaliseName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw badInput('Name must not be empty', { field: 'name' });
  if (trimmed.length > MAX_NAME) throw badInput(`Name must be at most ${MAX_NAME} characters`, { field: 'name' });
  return trimmed;
}

const wasForgotten = (userId: string) => forgotten(`User ${userId} was forgotten: they can no longer act`, { userId });

function decide(command: UserCommand, state: UserState, _context: DecideContext): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      // A forgotten user's id stays taken: it is never reused.
      if (state.status !== 'none') throw alreadyExists(`User ${command.userId} already exists`, { userId: command.userId });
      return [{ type: 'user_registered', data: { userId: command.userId, email: normaliseEmail(command.email), name: normaliseName(command.name) } }];
    }
    case 'UpdateUser': {
      if (command.email === undefined && command.name === undefined) throw badInput('Give an email or a name to change');
      const email = command.email === undefined ? undefined : normaliseEmail(command.email);
      const name = command.name === undefined ? undefined : normaliseName(command.name);
      if (state.status === 'none') throw notFound(`User ${command.userId} does not exist`, { userId: command.userId });
      if (state.forgotten) throw wasForgotten(command.userId);
      const changes: { email?: string; name?: string } = {};
      if (email !== undefined && email !== state.email) changes.email = email;
      if (name !== undefined && name !== state.name) changes.name = name;
      // Nothing changed: nothing happened, so nothing is recorded.
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'user_updated', data: { userId: command.userId, ...changes } }];
    }
    case 'ForgetUser': {
      if (state.status === 'none') throw notFound(`User ${command.userId} does not exist`, { userId: command.userId });
      // Forgetting twice changes nothing.
      if (state.forgotten) return [];
      return [{ type: 'user_forgotten', data: { userId: command.userId } }];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: UserState, event: Recorded<UserEvent>): UserState {
  switch (event.type) {
    case 'user_registered':
      return { status: 'registered', id: event.data.userId, email: event.data.email, name: event.data.name, registeredAt: event.timestamp, forgotten: false };
    case 'user_updated':
      if (state.status === 'none') return state;
      return { ...state, ...(event.data.email === undefined ? {} : { email: event.data.email }), ...(event.data.name === undefined ? {} : { name: event.data.name }) };
    case 'user_forgotten':
      if (state.status === 'none') return state;
      return { ...state, email: null, name: null, forgotten: true };
    default:
      return state;
  }
}

type UserSnapshot =
  | { status: 'none' }
  | { status: 'registered'; id: string; email: string | null; name: string | null; registeredAt: string; forgotten?: boolean };

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  streamType: UserStreamType,
  revision: 1,
  initialState: { status: 'none' },
  decide,
  evolve,
  toSnapshot(state): UserSnapshot {
    return state.status === 'none' ? state : { ...state, registeredAt: state.registeredAt.toISOString() };
  },
  fromSnapshot(json): UserState {
    const snapshot = json as UserSnapshot;
    // Snapshots written before forgetting existed have no flag: nobody was forgotten then.
    return snapshot.status === 'none' ? snapshot : { ...snapshot, registeredAt: new Date(snapshot.registeredAt), forgotten: snapshot.forgotten ?? false };
  },
};
