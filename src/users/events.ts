/** Events of the User stream. */
export const UserStreamType = 'User';

export type UserRegistered = {
  type: 'user_registered';
  data: { userId: string; email: string; name: string };
};
/** Carries only the fields that changed. */
export type UserUpdated = {
  type: 'user_updated';
  data: { userId: string; email?: string; name?: string };
};

export type UserEvent = UserRegistered | UserUpdated;
export const userEventTypes = ['user_registered', 'user_updated'] as const;
