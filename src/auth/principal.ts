/**
 * Who is asking. With authentication off every caller is `open` and may do
 * anything (the server says so at start); with it on, every operation comes
 * from a verified user.
 */
export type Principal =
  | { readonly kind: 'open' }
  | { readonly kind: 'user'; readonly userId: string; readonly admin: boolean; readonly expiresAt?: Date | undefined };

export const OPEN: Principal = { kind: 'open' };

/** The acting user's id for event metadata (none on an open server). */
export function actorId(principal: Principal): string | undefined {
  return principal.kind === 'user' ? principal.userId : undefined;
}

/** Open servers and admins may do everything. */
export function isUnrestricted(principal: Principal): boolean {
  return principal.kind === 'open' || principal.admin;
}
